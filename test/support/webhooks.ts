import { afterAll, beforeAll } from "vitest";
import { prisma } from "~/db.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { closeWebhookQueue } from "~/jobs/webhook-queue.server";
import { startWorkers, type RunningWorkers, type WorkerOptions } from "~/jobs/worker.server";
import { signWebhook } from "#test/mocks/shopify/sign-webhook";
import { waitFor } from "./wait";
import { callRoute } from "./routes";
import * as ordersPaid from "~/routes/webhooks.orders.paid";
import * as ordersFulfilled from "~/routes/webhooks.orders.fulfilled";
import * as customersCreate from "~/routes/webhooks.customers.create";
import * as ordersCancelled from "~/routes/webhooks.orders.cancelled";
import * as refundsCreate from "~/routes/webhooks.refunds.create";
import * as customersDataRequest from "~/routes/webhooks.customers.data_request";
import * as customersRedact from "~/routes/webhooks.customers.redact";
import * as shopRedact from "~/routes/webhooks.shop.redact";
import * as appUninstalled from "~/routes/webhooks.app.uninstalled";
import * as appScopesUpdate from "~/routes/webhooks.app.scopes_update";

const ROUTES = {
  "orders/paid": ordersPaid.action,
  "orders/fulfilled": ordersFulfilled.action,
  "customers/create": customersCreate.action,
  "orders/cancelled": ordersCancelled.action,
  "refunds/create": refundsCreate.action,
  "customers/data_request": customersDataRequest.action,
  "customers/redact": customersRedact.action,
  "shop/redact": shopRedact.action,
  "app/uninstalled": appUninstalled.action,
  "app/scopes_update": appScopesUpdate.action,
} as const;

export type Topic = keyof typeof ROUTES;

export interface Delivery {
  shop: string;
  topic: Topic;
  body: unknown;
  webhookId?: string;
  secret?: string;
}

/** Builds the request Shopify would send, signed with the app's secret unless told otherwise. */
export function webhookRequest(delivery: Delivery): Request {
  const signed = signWebhook({
    secret: delivery.secret ?? process.env.SHOPIFY_API_SECRET!,
    shop: delivery.shop,
    topic: delivery.topic,
    body: delivery.body,
    webhookId: delivery.webhookId,
  });
  return new Request(`https://tally.test/webhooks/${delivery.topic}`, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
}

/** Delivers a webhook through its real route and returns the app's answer. */
export function deliver(delivery: Delivery): Promise<Response> {
  return callRoute(ROUTES[delivery.topic], webhookRequest(delivery));
}

/**
 * Sends a request to `route`'s action whatever its headers say: what
 * somebody replaying a signed body under other headers can do.
 */
export function deliverTo(route: Topic, request: Request): Promise<Response> {
  return callRoute(ROUTES[route], request);
}

export const WEBHOOK_ROUTES = Object.keys(ROUTES) as Topic[];

let handDrained = 0;

/**
 * Delivers a webhook (with a fresh webhook id) and drains the shop by hand,
 * for tests that decide themselves when the ledger moves (no workers).
 */
export async function deliverAndDrain(shop: string, topic: Topic, body: unknown): Promise<void> {
  await deliver({ shop, topic, webhookId: `${topic}-drained-${handDrained++}`, body });
  await drainShop(shop);
}

/** The delivery once the worker has given it a final status. */
export const settledDelivery = (shop: string, webhookId: string) =>
  waitFor(
    async () => {
      const delivery = await prisma.webhookDelivery.findUnique({
        where: { shop_webhookId: { shop, webhookId } },
      });
      return delivery && delivery.status !== "PENDING" ? delivery : undefined;
    },
    { what: `delivery ${webhookId} to settle` },
  );

/** Runs the real BullMQ worker for the test file, and stops it and the producer queue after. */
export function runWorkersDuringFile(options: WorkerOptions): void {
  let workers: RunningWorkers;
  beforeAll(() => {
    workers = startWorkers(options);
  });
  afterAll(async () => {
    await workers.close();
    await closeWebhookQueue();
  });
}
