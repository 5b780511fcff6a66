import { signWebhook } from "#test/mocks/shopify/sign-webhook";
import { callRoute } from "./routes";
import * as ordersPaid from "~/routes/webhooks.orders.paid";
import * as customersDataRequest from "~/routes/webhooks.customers.data_request";
import * as customersRedact from "~/routes/webhooks.customers.redact";
import * as shopRedact from "~/routes/webhooks.shop.redact";
import * as appUninstalled from "~/routes/webhooks.app.uninstalled";

const ROUTES = {
  "orders/paid": ordersPaid.action,
  "customers/data_request": customersDataRequest.action,
  "customers/redact": customersRedact.action,
  "shop/redact": shopRedact.action,
  "app/uninstalled": appUninstalled.action,
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
