// What a webhook request must look like before Tally reads a byte of its
// body. Shopify signs only the body; these headers are checked for shape
// here and for meaning after the signature (docs/decisions/0017).

/**
 * The largest webhook body Tally reads. Shopify documents no cap for HTTPS
 * deliveries; its staff put real bodies "upwards of a megabyte" and it sends
 * up to 1,000,000 bytes inline to EventBridge before falling back to an id.
 * A 500-line order (Shopify's cart limit) with taxes and discounts on every
 * line is about 2 MB in the 2026-07 shape, so 5 MiB leaves room for the
 * largest real order while bounding what an unsigned request can cost.
 */
export const WEBHOOK_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/** Shopify's own headers, the only ones the route reads. */
export const WEBHOOK_HEADERS = {
  hmac: "x-shopify-hmac-sha256",
  topic: "x-shopify-topic",
  shop: "x-shopify-shop-domain",
  webhookId: "x-shopify-webhook-id",
  apiVersion: "x-shopify-api-version",
  triggeredAt: "x-shopify-triggered-at",
  eventId: "x-shopify-event-id",
} as const;

export interface WebhookHeaders {
  hmac: string;
  topic: string;
  shop: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: string | null;
  eventId: string | null;
  /** The declared Content-Length, or null (a chunked body: its bytes are counted as they come). */
  declaredLength: number | null;
}

export type WebhookHeaderCheck =
  { ok: true; headers: WebhookHeaders } | { ok: false; status: 400 | 413; reason: string };

// A base64 SHA-256 digest: 32 bytes, 44 characters with one pad.
const HMAC = /^[A-Za-z0-9+/]{43}=$/;
const SHOP = /^[a-z0-9][a-z0-9-]{0,59}\.myshopify\.com$/;
// Shopify's ids are UUIDs; any short run of printable ASCII is accepted, as
// the id only deduplicates (it is stored as a parameter, never interpreted).
const TOKEN = /^[\x21-\x7e]{1,128}$/;
const API_VERSION = /^(\d{4}-\d{2}|unstable)$/;
const TOPIC = /^[a-z_]+\/[a-z_]+$/;
const LENGTH = /^\d{1,12}$/;

/**
 * Checks a webhook request's headers: every one Shopify always sends is
 * present and well formed, and a declared body is within the limit. `get`
 * reads one header (case-insensitive), as `Headers.get` does.
 */
export function checkWebhookHeaders(get: (name: string) => string | null | undefined): WebhookHeaderCheck {
  const read = (name: string) => {
    const value = get(name);
    return value === undefined || value === null ? null : value;
  };
  const missing = (
    [
      ["hmac", HMAC],
      ["topic", TOPIC],
      ["shop", SHOP],
      ["webhookId", TOKEN],
      ["apiVersion", API_VERSION],
    ] as const
  ).filter(([key, shape]) => !shape.test(read(WEBHOOK_HEADERS[key]) ?? ""));
  if (missing.length > 0) {
    const names = missing.map(([key]) => WEBHOOK_HEADERS[key]).join(", ");
    return { ok: false, status: 400, reason: `missing or malformed ${names}` };
  }
  for (const key of ["triggeredAt", "eventId"] as const) {
    const value = read(WEBHOOK_HEADERS[key]);
    if (value !== null && value.length > 128)
      return { ok: false, status: 400, reason: `${WEBHOOK_HEADERS[key]} is too long` };
  }

  const length = read("content-length");
  let declaredLength: number | null = null;
  if (length !== null) {
    if (!LENGTH.test(length)) return { ok: false, status: 400, reason: "malformed content-length" };
    declaredLength = Number(length);
    if (declaredLength > WEBHOOK_BODY_LIMIT_BYTES) {
      return { ok: false, status: 413, reason: `body of ${declaredLength} bytes is over the limit` };
    }
  }

  return {
    ok: true,
    headers: {
      hmac: read(WEBHOOK_HEADERS.hmac)!,
      topic: read(WEBHOOK_HEADERS.topic)!,
      shop: read(WEBHOOK_HEADERS.shop)!,
      webhookId: read(WEBHOOK_HEADERS.webhookId)!,
      apiVersion: read(WEBHOOK_HEADERS.apiVersion)!,
      triggeredAt: read(WEBHOOK_HEADERS.triggeredAt),
      eventId: read(WEBHOOK_HEADERS.eventId),
      declaredLength,
    },
  };
}
