import { createHmac, randomUUID } from "node:crypto";

import { STAND_IN_API_VERSION } from "./api-version";

export interface SignWebhookInput {
  secret: string;
  shop: string;
  /** Topic in header form, e.g. "orders/paid". */
  topic: string;
  /** An object is JSON-serialised; a string is sent as is so tests can sign malformed JSON. */
  body: unknown;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  apiVersion?: string;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

/**
 * Builds a delivery exactly as Shopify sends it: HMAC-SHA256 of the raw body keyed with the app
 * secret, base64 encoded (shopify-api lib/utils/hmac-validator.ts), plus the X-Shopify-* headers
 * that api.webhooks.validate requires.
 */
export function signWebhook(input: SignWebhookInput): SignedWebhook {
  const body = typeof input.body === "string" ? input.body : JSON.stringify(input.body);
  const hmac = createHmac("sha256", input.secret).update(body, "utf8").digest("base64");
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": input.topic,
      "X-Shopify-Shop-Domain": input.shop,
      "X-Shopify-API-Version": input.apiVersion ?? STAND_IN_API_VERSION,
      "X-Shopify-Webhook-Id": input.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": input.eventId ?? randomUUID(),
      "X-Shopify-Triggered-At": input.triggeredAt ?? new Date().toISOString(),
    },
  };
}
