import { describe, expect, it } from "vitest";

import { mintSessionToken } from "#test/mocks/shopify/session-token";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { signWebhook } from "#test/mocks/shopify/sign-webhook";

import { API_KEY, API_SECRET, realShopifyApi, SHOP } from "./harness";

const api = realShopifyApi();

/** The shape shopify-api's node adapter reads from an IncomingMessage. */
function incoming(headers: Record<string, string>) {
  return {
    method: "POST",
    url: "/webhooks/orders/paid",
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

describe("signWebhook", () => {
  it("produces a delivery that shopify-api's webhooks.validate accepts", async () => {
    const { headers, body } = signWebhook({
      secret: API_SECRET,
      shop: SHOP,
      topic: "orders/paid",
      body: { id: 1, admin_graphql_api_id: "gid://shopify/Order/1" },
      webhookId: "w-1",
      eventId: "e-1",
    });

    const result = await api.webhooks.validate({ rawBody: body, rawRequest: incoming(headers) as never });

    expect(result).toMatchObject({
      valid: true,
      topic: "ORDERS_PAID",
      domain: SHOP,
      apiVersion: "2026-10",
      webhookId: "w-1",
      eventId: "e-1",
    });
  });

  it("is rejected by shopify-api when the body is changed after signing", async () => {
    const { headers } = signWebhook({
      secret: API_SECRET,
      shop: SHOP,
      topic: "orders/paid",
      body: { id: 1 },
    });

    const result = await api.webhooks.validate({
      rawBody: JSON.stringify({ id: 2 }),
      rawRequest: incoming(headers) as never,
    });

    expect(result).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("is rejected by shopify-api when signed with another secret", async () => {
    const { headers, body } = signWebhook({
      secret: "other",
      shop: SHOP,
      topic: "orders/paid",
      body: { id: 1 },
    });

    const result = await api.webhooks.validate({ rawBody: body, rawRequest: incoming(headers) as never });

    expect(result).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("signs a raw string body byte for byte, so malformed JSON can be delivered validly", async () => {
    const { headers, body } = signWebhook({
      secret: API_SECRET,
      shop: SHOP,
      topic: "orders/paid",
      body: "{not json",
    });

    expect(body).toBe("{not json");
    expect(
      (await api.webhooks.validate({ rawBody: body, rawRequest: incoming(headers) as never })).valid,
    ).toBe(true);
  });

  it("sends every header Shopify sends, with a fresh webhook id per delivery by default", () => {
    const first = signWebhook({ secret: API_SECRET, shop: SHOP, topic: "refunds/create", body: {} });
    const second = signWebhook({ secret: API_SECRET, shop: SHOP, topic: "refunds/create", body: {} });

    expect(Object.keys(first.headers).sort()).toEqual(
      [
        "Content-Type",
        "X-Shopify-API-Version",
        "X-Shopify-Event-Id",
        "X-Shopify-Hmac-Sha256",
        "X-Shopify-Shop-Domain",
        "X-Shopify-Topic",
        "X-Shopify-Triggered-At",
        "X-Shopify-Webhook-Id",
      ].sort(),
    );
    expect(first.headers["X-Shopify-Webhook-Id"]).not.toBe(second.headers["X-Shopify-Webhook-Id"]);
  });
});

describe("signAppProxyUrl", () => {
  const query = (url: string) => new URL(url).searchParams;

  it("produces a query that shopify-api's validateHmac (appProxy) accepts, for a logged-in customer", async () => {
    const url = signAppProxyUrl({
      secret: API_SECRET,
      shop: SHOP,
      url: "https://tally.test/proxy/customer",
      loggedInCustomerId: "1234",
    });

    expect(query(url).get("logged_in_customer_id")).toBe("1234");
    expect(query(url).get("path_prefix")).toBe("/apps/tally");
    expect(await api.utils.validateHmac(query(url), { signator: "appProxy" })).toBe(true);
  });

  it("signs guests with an empty logged_in_customer_id, as Shopify forwards them", async () => {
    const url = signAppProxyUrl({ secret: API_SECRET, shop: SHOP, url: "https://tally.test/proxy/customer" });

    expect(query(url).get("logged_in_customer_id")).toBe("");
    expect(await api.utils.validateHmac(query(url), { signator: "appProxy" })).toBe(true);
  });

  it("joins repeated parameters with commas before signing, as shopify-api verifies them", async () => {
    const url = signAppProxyUrl({
      secret: API_SECRET,
      shop: SHOP,
      url: "https://tally.test/proxy/customer?page=2",
      extra: { extra: ["1", "2"] },
    });

    expect(query(url).getAll("extra")).toEqual(["1", "2"]);
    expect(await api.utils.validateHmac(query(url), { signator: "appProxy" })).toBe(true);
  });

  it("is rejected by shopify-api when a customer id is swapped in after signing", async () => {
    const params = query(
      signAppProxyUrl({
        secret: API_SECRET,
        shop: SHOP,
        url: "https://tally.test/proxy/customer",
        loggedInCustomerId: "1",
      }),
    );
    params.set("logged_in_customer_id", "2");

    expect(await api.utils.validateHmac(params, { signator: "appProxy" })).toBe(false);
  });

  it("carries the given timestamp, which shopify-api refuses once it is more than 90 s old", async () => {
    const url = signAppProxyUrl({
      secret: API_SECRET,
      shop: SHOP,
      url: "https://tally.test/proxy/customer",
      timestamp: Math.trunc(Date.now() / 1000) - 600,
    });

    await expect(api.utils.validateHmac(query(url), { signator: "appProxy" })).rejects.toThrow(/timestamp/i);
  });
});

describe("mintSessionToken", () => {
  it("produces a token that shopify-api's decodeSessionToken accepts, with Shopify's claims", async () => {
    const token = await mintSessionToken({ shop: SHOP, apiKey: API_KEY, secret: API_SECRET, sub: "77" });

    const payload = await api.session.decodeSessionToken(token);

    expect(payload).toMatchObject({
      iss: `https://${SHOP}/admin`,
      dest: `https://${SHOP}`,
      aud: API_KEY,
      sub: "77",
    });
    expect(payload.exp - payload.iat).toBe(60);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.sid).toEqual(expect.any(String));
  });

  it("is rejected by shopify-api when signed with another secret", async () => {
    const token = await mintSessionToken({ shop: SHOP, apiKey: API_KEY, secret: "other" });

    await expect(api.session.decodeSessionToken(token)).rejects.toThrow();
  });

  it("is rejected by shopify-api when minted for another app", async () => {
    const token = await mintSessionToken({ shop: SHOP, apiKey: "another-app", secret: API_SECRET });

    await expect(api.session.decodeSessionToken(token)).rejects.toThrow(/API key/);
  });

  it("is rejected by shopify-api once expired", async () => {
    const token = await mintSessionToken({
      shop: SHOP,
      apiKey: API_KEY,
      secret: API_SECRET,
      issuedAt: new Date(Date.now() - 5 * 60_000),
    });

    await expect(api.session.decodeSessionToken(token)).rejects.toThrow();
  });
});
