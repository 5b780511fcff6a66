// Every webhook topic Tally subscribes to, in one table: the `# Handled by`
// comments in shopify.app.toml point here. An entry says how the topic's
// body is read (its shape and shop, app/domain/webhook-topics.ts), how it is
// processed, and what happens when processing fails. The route for a topic
// (app/routes/webhooks.<topic>.ts) accepts that topic and no other.
import type { CustomerPrivacyRequest } from "~/domain/compliance-payload";
import type { NewCustomer } from "~/domain/customer-payload";
import type { Refund } from "~/domain/refund-payload";
import { PAYLOAD_READERS, storedTopic, type PayloadReader, type WebhookTopic } from "~/domain/webhook-topics";
import { answerDataRequest, redactCustomer, redactShop } from "~/models/compliance.server";
import type { Settlement } from "~/models/earning.server";
import { markUninstalled } from "~/models/install.server";
import { recordCancellation, recordRefund } from "~/models/order-points.server";
import { updateSessionScopes } from "~/models/scopes.server";
import { welcomeMember } from "~/models/welcome.server";

export type Processing =
  /** Done in the request, before Shopify hears back. */
  | { kind: "inline"; run(shop: string, stored: unknown, installed: boolean): Promise<Settlement> }
  /** Earn events: recorded, then earned by the worker in batches (app/models/earning.server.ts). */
  | { kind: "batched" }
  /** Recorded, then processed by the worker one delivery at a time. */
  | { kind: "queued"; run(shop: string, stored: unknown, subjectGid: string | null): Promise<Settlement> };

/**
 * What happens when processing fails. Either way a payload that fails its
 * shape is REJECTED at once (a retry would bring the same bytes) and a
 * delivery the database refuses is FAILED with the reason, for support.
 * - `shopify`: processed inline; any other error answers 500 and Shopify
 *   delivers again (8 times over 4 hours).
 * - `worker`: the worker retries transient errors (BullMQ backoff, then the
 *   sweeper finds the PENDING row, so losing Redis loses nothing).
 * - `worker+reconciliation`: as `worker`, and the hourly reconciliation reads
 *   the order from Shopify again if its delivery was refused or never came.
 */
export type Retry = "shopify" | "worker" | "worker+reconciliation";

export interface TopicEntry {
  read: PayloadReader;
  processing: Processing;
  retry: Retry;
  /** Answered even when the shop has uninstalled: Shopify sends these after uninstall. */
  answeredWhenUninstalled: boolean;
  /** Destroys data: refusals are logged with their exact reason. */
  destructive: boolean;
  /** Brings a customer's data: refused for a customer or order erased by customers/redact. */
  guardErased: boolean;
}

export const TOPICS: Record<WebhookTopic, TopicEntry> = {
  "orders/paid": {
    read: PAYLOAD_READERS["orders/paid"],
    processing: { kind: "batched" },
    retry: "worker+reconciliation",
    answeredWhenUninstalled: false,
    destructive: false,
    guardErased: true,
  },
  "orders/fulfilled": {
    read: PAYLOAD_READERS["orders/fulfilled"],
    processing: { kind: "batched" },
    retry: "worker+reconciliation",
    answeredWhenUninstalled: false,
    destructive: false,
    guardErased: true,
  },
  "orders/cancelled": {
    read: PAYLOAD_READERS["orders/cancelled"],
    processing: { kind: "queued", run: (shop, _stored, orderGid) => recordCancellation(shop, orderGid!) },
    retry: "worker+reconciliation",
    answeredWhenUninstalled: false,
    destructive: false,
    guardErased: true,
  },
  "refunds/create": {
    read: PAYLOAD_READERS["refunds/create"],
    processing: { kind: "queued", run: (shop, stored) => recordRefund(shop, stored as Refund) },
    retry: "worker+reconciliation",
    answeredWhenUninstalled: false,
    destructive: false,
    guardErased: true,
  },
  "customers/create": {
    read: PAYLOAD_READERS["customers/create"],
    processing: { kind: "queued", run: (shop, stored) => welcomeMember(shop, stored as NewCustomer) },
    retry: "worker",
    answeredWhenUninstalled: false,
    destructive: false,
    guardErased: true,
  },
  "app/uninstalled": {
    read: PAYLOAD_READERS["app/uninstalled"],
    processing: {
      kind: "inline",
      run: async (shop) => {
        await markUninstalled(shop);
        return { status: "PROCESSED", outcome: "sessions deleted; shop marked uninstalled" };
      },
    },
    retry: "shopify",
    // Still answered after the sessions are gone: a redelivery must not be
    // taken for a stranger's.
    answeredWhenUninstalled: true,
    destructive: true,
    guardErased: false,
  },
  "app/scopes_update": {
    read: PAYLOAD_READERS["app/scopes_update"],
    processing: {
      kind: "inline",
      run: async (shop, stored, installed) => {
        const { current } = stored as { current: string[] };
        if (!installed) return { status: "IGNORED", outcome: "shop has not installed Tally" };
        await updateSessionScopes(shop, current.join(","));
        return { status: "PROCESSED", outcome: `scopes now ${current.join(",")}` };
      },
    },
    retry: "shopify",
    answeredWhenUninstalled: false,
    destructive: false,
    guardErased: false,
  },
  "customers/data_request": {
    read: PAYLOAD_READERS["customers/data_request"],
    processing: {
      kind: "queued",
      run: (shop, stored) => answerDataRequest(shop, stored as CustomerPrivacyRequest),
    },
    retry: "worker",
    answeredWhenUninstalled: true,
    destructive: false,
    guardErased: false,
  },
  "customers/redact": {
    read: PAYLOAD_READERS["customers/redact"],
    processing: {
      kind: "queued",
      run: (shop, stored) => redactCustomer(shop, stored as CustomerPrivacyRequest),
    },
    retry: "worker",
    answeredWhenUninstalled: true,
    destructive: true,
    guardErased: false,
  },
  "shop/redact": {
    read: PAYLOAD_READERS["shop/redact"],
    processing: { kind: "queued", run: (shop) => redactShop(shop) },
    retry: "worker",
    answeredWhenUninstalled: true,
    destructive: true,
    guardErased: false,
  },
};

const BY_STORED_TOPIC = new Map(
  (Object.keys(TOPICS) as WebhookTopic[]).map((topic) => [storedTopic(topic), TOPICS[topic]]),
);

/** The entry for a delivery row's topic (stored as ORDERS_PAID), if Tally subscribes to it. */
export const topicEntryOf = (stored: string): TopicEntry | undefined => BY_STORED_TOPIC.get(stored);
