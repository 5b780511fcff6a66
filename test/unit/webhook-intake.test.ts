import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkWebhookHeaders, WEBHOOK_BODY_LIMIT_BYTES } from "~/domain/webhook-headers";
import { PAYLOAD_READERS, WEBHOOK_TOPICS, isJsonObject, storedTopic } from "~/domain/webhook-topics";
import { orderPayload } from "#test/factories/order";

const SHOP = "tally-a.myshopify.com";
const OTHER = "tally-b.myshopify.com";

const valid: Record<string, string> = {
  "x-shopify-hmac-sha256": Buffer.alloc(32, 1).toString("base64"),
  "x-shopify-topic": "orders/paid",
  "x-shopify-shop-domain": SHOP,
  "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
  "x-shopify-api-version": "2026-10",
  "content-length": "1200",
};
const check = (overrides: Record<string, string | null>) => {
  const headers: Record<string, string | null> = { ...valid, ...overrides };
  return checkWebhookHeaders((name) => headers[name]);
};

describe("webhook headers, before the body", () => {
  it("accepts what Shopify sends, chunked or with a length", () => {
    expect(check({})).toMatchObject({ ok: true, headers: { shop: SHOP, declaredLength: 1200 } });
    expect(check({ "content-length": null })).toMatchObject({ ok: true, headers: { declaredLength: null } });
  });

  it.each([
    ["x-shopify-hmac-sha256", null],
    ["x-shopify-hmac-sha256", "abc"],
    ["x-shopify-topic", null],
    ["x-shopify-topic", "ORDERS_PAID"],
    ["x-shopify-shop-domain", "shop.example.com"],
    ["x-shopify-shop-domain", `${SHOP}.evil.com`],
    ["x-shopify-webhook-id", ""],
    ["x-shopify-webhook-id", "id with spaces"],
    ["x-shopify-api-version", "2026-10; drop"],
    ["x-shopify-event-id", "e".repeat(129)],
    ["content-length", "-1"],
    ["content-length", "1e6"],
  ])("refuses %s = %j with 400", (name, value) => {
    expect(check({ [name]: value })).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses a declared body over the limit with 413, and takes one at the limit", () => {
    expect(check({ "content-length": String(WEBHOOK_BODY_LIMIT_BYTES + 1) })).toMatchObject({
      ok: false,
      status: 413,
    });
    expect(check({ "content-length": String(WEBHOOK_BODY_LIMIT_BYTES) }).ok).toBe(true);
  });
});

describe("each topic's body, bound to the delivering shop", () => {
  const order = orderPayload({ orderId: 12, customerId: 3 });
  const privacy = (shop: string) => ({ shop_id: 9, shop_domain: shop, customer: { id: 3 } });

  it("compliance and uninstall bodies must name the shop the delivery came for", () => {
    for (const topic of ["customers/redact", "customers/data_request"] as const) {
      expect(PAYLOAD_READERS[topic](privacy(SHOP), SHOP).ok).toBe(true);
      expect(PAYLOAD_READERS[topic](privacy(OTHER), SHOP)).toMatchObject({ ok: false });
      expect(PAYLOAD_READERS[topic]({ customer: { id: 3 } }, SHOP).ok).toBe(false);
    }
    expect(PAYLOAD_READERS["shop/redact"]({ shop_id: 9, shop_domain: SHOP }, SHOP).ok).toBe(true);
    expect(PAYLOAD_READERS["shop/redact"]({ shop_id: 9, shop_domain: OTHER }, SHOP).ok).toBe(false);
    const uninstalled = { id: 9, myshopify_domain: SHOP, domain: "shop.example.com" };
    expect(PAYLOAD_READERS["app/uninstalled"](uninstalled, SHOP).ok).toBe(true);
    expect(PAYLOAD_READERS["app/uninstalled"](uninstalled, OTHER).ok).toBe(false);
    // Shopify's domains are lower-case; a body in another case still names the same shop.
    expect(
      PAYLOAD_READERS["app/uninstalled"]({ ...uninstalled, myshopify_domain: SHOP.toUpperCase() }, SHOP).ok,
    ).toBe(true);
  });

  it("an order is not a shop, a refund is not an order, a customer is not a privacy request", () => {
    for (const topic of ["app/uninstalled", "shop/redact", "customers/redact", "refunds/create"] as const) {
      expect([topic, PAYLOAD_READERS[topic](order, SHOP).ok]).toEqual([topic, false]);
    }
    const refund = { admin_graphql_api_id: "gid://shopify/Refund/1", order_id: 12, refund_line_items: [] };
    expect(PAYLOAD_READERS["orders/paid"](refund, SHOP).ok).toBe(false);
    expect(PAYLOAD_READERS["refunds/create"](refund, SHOP).ok).toBe(true);
    const customer = { admin_graphql_api_id: "gid://shopify/Customer/3", email: "a@example.com" };
    expect(PAYLOAD_READERS["customers/redact"](customer, SHOP).ok).toBe(false);
  });

  it("orders/cancelled must say when; orders/fulfilled must be fulfilled", () => {
    expect(PAYLOAD_READERS["orders/cancelled"](order, SHOP)).toMatchObject({ ok: false });
    expect(
      PAYLOAD_READERS["orders/cancelled"]({ ...order, cancelled_at: "2026-11-21T10:00:00Z" }, SHOP).ok,
    ).toBe(true);
    expect(PAYLOAD_READERS["orders/fulfilled"](order, SHOP).ok).toBe(false);
    expect(PAYLOAD_READERS["orders/fulfilled"]({ ...order, fulfillment_status: "fulfilled" }, SHOP).ok).toBe(
      true,
    );
    expect(PAYLOAD_READERS["orders/paid"](order, SHOP)).toMatchObject({
      ok: true,
      value: { subjectGid: "gid://shopify/Order/12", customerGid: "gid://shopify/Customer/3" },
    });
  });

  it("only JSON objects are webhooks", () => {
    expect([{}, { a: 1 }].map(isJsonObject)).toEqual([true, true]);
    expect([[], null, "x", 1, true].map(isJsonObject)).toEqual([false, false, false, false, false]);
  });
});

describe("shopify.app.toml to behaviour in one hop", () => {
  const toml = readFileSync(new URL("../../shopify.app.toml", import.meta.url), "utf8");
  const blocks = [
    ...toml.matchAll(
      /# Handled by: (\S+), TOPICS\["([^"]+)"\]\n\s*\[\[webhooks\.subscriptions\]\]\n\s*(?:compliance_)?topics = \["([^"]+)"\]\n\s*uri = "([^"]+)"/g,
    ),
  ];

  it("every subscription names its TOPICS entry, its own topic and its own route", () => {
    expect(blocks.map((b) => b[3]).sort()).toEqual([...WEBHOOK_TOPICS].sort());
    for (const [, file, entry, topic, uri] of blocks) {
      expect([file, entry, uri]).toEqual(["app/webhook-topics.server.ts", topic, `/webhooks/${topic}`]);
      const route = new URL(`../../app/routes/webhooks.${topic!.replace("/", ".")}.ts`, import.meta.url);
      expect(readFileSync(route, "utf8")).toContain(`receiveWebhook(request, "${topic}")`);
    }
    expect(existsSync(new URL("../../app/webhook-topics.server.ts", import.meta.url))).toBe(true);
  });

  it("stores topics as the library does", () => {
    expect(storedTopic("customers/data_request")).toBe("CUSTOMERS_DATA_REQUEST");
  });
});
