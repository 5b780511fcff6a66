import { z } from "zod";
import { parseCustomerPrivacyRequest } from "./compliance-payload";
import { parseCustomerPayload } from "./customer-payload";
import { readOrderPayload } from "./order-payload";
import { parseRefundPayload } from "./refund-payload";
import { describeIssues, ok, refuse, type Result } from "./result";

/**
 * The topics Tally subscribes to (shopify.app.toml), as Shopify names them in
 * X-Shopify-Topic. Each has its route, `/webhooks/<topic>`, and its entry in
 * app/webhook-topics.server.ts.
 */
export const WEBHOOK_TOPICS = [
  "orders/paid",
  "orders/fulfilled",
  "orders/cancelled",
  "refunds/create",
  "customers/create",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export const isWebhookTopic = (value: string): value is WebhookTopic =>
  (WEBHOOK_TOPICS as readonly string[]).includes(value);

/** How deliveries store the topic (the library's `topicForStorage`: ORDERS_PAID). */
export const storedTopic = (topic: string) => topic.toUpperCase().replace(/[/.]/g, "_");

/** A verified delivery's body, read for its topic: what is kept and whom it concerns. */
export interface ReadPayload {
  /** What the delivery is about (an order, a customer), for dedupe, reconciliation and erasure. */
  subjectGid: string | null;
  customerGid: string | null;
  /** The fields Tally reads, nothing else: this is what is stored. */
  stored: unknown;
}

export type PayloadReader = (payload: unknown, shop: string) => Result<ReadPayload>;

const orderEvent =
  (event: z.ZodType | null): PayloadReader =>
  (payload) => {
    const order = readOrderPayload(payload);
    if (!order.ok) return order;
    if (event) {
      const checked = event.safeParse(payload);
      if (!checked.success) return refuse(describeIssues(checked.error));
    }
    const { facts, stored } = order.value;
    return ok({ subjectGid: facts.orderGid, customerGid: facts.customerGid, stored });
  };

// An order that reached the event its topic names; anything else is a body
// sent under the wrong topic (an orders/paid body replayed as a cancellation).
const Cancelled = z.object({ cancelled_at: z.string({ error: "a cancellation must say when" }).min(1) });
const Fulfilled = z.object({
  fulfillment_status: z.literal("fulfilled", { error: "the order is not fulfilled" }),
});

const ShopId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]);

/** The shop a body names must be the shop the (unsigned) header names. */
function sameShop(named: string, shop: string): Result<null> {
  return named.toLowerCase() === shop
    ? ok(null)
    : refuse(`the body names ${JSON.stringify(named.slice(0, 100))}, the delivery came for ${shop}`);
}

// Compliance bodies name their shop; Shopify always sends both fields.
const ComplianceShop = z.object({ shop_id: ShopId, shop_domain: z.string() });

const privacyRequest: PayloadReader = (payload, shop) => {
  const named = ComplianceShop.safeParse(payload);
  if (!named.success) return refuse(describeIssues(named.error));
  const bound = sameShop(named.data.shop_domain, shop);
  if (!bound.ok) return bound;
  const request = parseCustomerPrivacyRequest(payload);
  if (!request.ok) return request;
  const { customerGid } = request.value;
  return ok({ subjectGid: customerGid, customerGid, stored: request.value });
};

// app/uninstalled's body is the Shop resource.
const UninstalledShop = z.object({ id: ShopId, myshopify_domain: z.string() });

const ScopesUpdate = z.object({
  id: z.union([z.number(), z.string()]),
  shop_id: z.string().regex(/^gid:\/\/shopify\/Shop\/\d+$/, "must be a Shop GID"),
  previous: z.array(z.string().max(100)).max(200),
  current: z.array(z.string().regex(/^[a-z_]+$/, "must be an access scope")).max(200),
});

/** Each topic's payload: its shape, and that it concerns the delivering shop where it names one. */
export const PAYLOAD_READERS: Record<WebhookTopic, PayloadReader> = {
  "orders/paid": orderEvent(null),
  "orders/fulfilled": orderEvent(Fulfilled),
  "orders/cancelled": orderEvent(Cancelled),
  "refunds/create": (payload) => {
    const refund = parseRefundPayload(payload);
    if (!refund.ok) return refund;
    return ok({ subjectGid: refund.value.orderGid, customerGid: null, stored: refund.value });
  },
  "customers/create": (payload) => {
    const customer = parseCustomerPayload(payload);
    if (!customer.ok) return customer;
    const { customerGid } = customer.value;
    return ok({ subjectGid: customerGid, customerGid, stored: customer.value });
  },
  "customers/data_request": privacyRequest,
  "customers/redact": privacyRequest,
  "shop/redact": (payload, shop) => {
    const named = ComplianceShop.safeParse(payload);
    if (!named.success) return refuse(describeIssues(named.error));
    const bound = sameShop(named.data.shop_domain, shop);
    if (!bound.ok) return bound;
    return ok({ subjectGid: null, customerGid: null, stored: { shopId: String(named.data.shop_id) } });
  },
  "app/uninstalled": (payload, shop) => {
    const named = UninstalledShop.safeParse(payload);
    if (!named.success) return refuse(describeIssues(named.error));
    const bound = sameShop(named.data.myshopify_domain, shop);
    if (!bound.ok) return bound;
    return ok({ subjectGid: null, customerGid: null, stored: { shopId: String(named.data.id) } });
  },
  "app/scopes_update": (payload) => {
    const scopes = ScopesUpdate.safeParse(payload);
    if (!scopes.success) return refuse(describeIssues(scopes.error));
    return ok({ subjectGid: null, customerGid: null, stored: { current: scopes.data.current } });
  },
};

/** A parsed body that is a JSON object: anything else is no Shopify webhook at all. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
