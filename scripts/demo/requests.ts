import { randomInt } from "node:crypto";
import { orderPayload } from "../../test/factories/order";
import { mintSessionToken } from "../../test/mocks/shopify/session-token";
import { signAppProxyUrl } from "../../test/mocks/shopify/sign-app-proxy-url";
import { signWebhook } from "../../test/mocks/shopify/sign-webhook";
import { appUrl, DEMO } from "./config";

/** What Shopify sends when the merchant opens the app in their admin. */
export async function openAdmin(expiresInSeconds = 60): Promise<string> {
  const token = await mintSessionToken({
    shop: DEMO.shop,
    apiKey: DEMO.apiKey,
    secret: DEMO.apiSecret,
    expiresInSeconds,
  });
  const host = Buffer.from(`${DEMO.shop}/admin`).toString("base64url");
  return `${appUrl}/app?embedded=1&shop=${DEMO.shop}&host=${host}&id_token=${token}`;
}

/** A signed orders/paid delivery, as Shopify sends it. */
export async function sendPaidOrder(customerId: number, amount: string, orderId = randomInt(1, 2 ** 47)) {
  const signed = signWebhook({
    secret: DEMO.apiSecret,
    shop: DEMO.shop,
    topic: "orders/paid",
    body: orderPayload({ orderId, customerId, lines: [{ price: amount }] }),
  });
  const response = await fetch(`${appUrl}/webhooks/orders/paid`, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
  return { orderId, status: response.status };
}

/** What the storefront widget receives through Shopify's app proxy. */
export async function readBalance(customerId: number | ""): Promise<unknown> {
  const url = signAppProxyUrl({
    secret: DEMO.apiSecret,
    shop: DEMO.shop,
    url: `${appUrl}/proxy/customer`,
    loggedInCustomerId: String(customerId),
  });
  const response = await fetch(url);
  return response.json();
}
