import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { WEBHOOK_BODY_LIMIT_BYTES } from "~/domain/webhook-headers";
import { signWebhook } from "#test/mocks/shopify/sign-webhook";
import { orderPayload } from "#test/factories/order";
import { sessionTokenFor } from "#test/support/admin";
import { installedShop, uniqueShop } from "#test/support/shops";
import { deliver, deliverTo, type Topic } from "#test/support/webhooks";

// What an outsider holding one validly signed body (or the app's session
// tokens, signed with the same secret) can do with headers Shopify does not
// sign. Drained by hand, so each test sees the ledger after the worker ran.

let nextId = 8_300_000_000_000;

interface Forged {
  route: Topic;
  /** The X-Shopify-Topic header; the route's own topic unless given. */
  topic?: string;
  shop: string;
  body: unknown;
  webhookId?: string;
  headers?: Record<string, string | null>;
}

function forged({ route, topic, shop, body, webhookId, headers = {} }: Forged): Request {
  const signed = signWebhook({
    secret: process.env.SHOPIFY_API_SECRET!,
    shop,
    topic: topic ?? route,
    body,
    webhookId: webhookId ?? `forged-${nextId++}`,
  });
  const all = new Headers(signed.headers);
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) all.delete(name);
    else all.set(name, value);
  }
  return new Request(`https://tally.test/webhooks/${route}`, {
    method: "POST",
    headers: all,
    body: signed.body,
  });
}

async function send(request: Request, route: Topic, shops: string[]) {
  const response = await deliverTo(route, request);
  for (const shop of shops) await drainShop(shop);
  return response;
}

/** A shop with one member who has earned on one order. */
async function shopWithMember(customerId = 1) {
  const shop = await installedShop();
  const orderId = nextId++;
  const body = orderPayload({ orderId, customerId, lines: [{ price: "50.00" }] });
  await deliver({ shop, topic: "orders/paid", webhookId: `paid-${orderId}`, body });
  await drainShop(shop);
  return { shop, orderId, body };
}

async function snapshot(shop: string) {
  const [members, entries, sessions, shopRow, deliveries] = await Promise.all([
    prisma.member.findMany({ where: { shop }, orderBy: { id: "asc" } }),
    prisma.ledgerEntry.findMany({ where: { shop }, orderBy: { id: "asc" } }),
    prisma.session.count({ where: { shop } }),
    prisma.shop.findUnique({ where: { domain: shop } }),
    prisma.webhookDelivery.findMany({ where: { shop }, orderBy: { id: "asc" } }),
  ]);
  return { members, entries, sessions, shopRow, deliveries };
}

const deliveryOf = (shop: string, webhookId: string) =>
  prisma.webhookDelivery.findUnique({ where: { shop_webhookId: { shop, webhookId } } });

afterEach(() => vi.restoreAllMocks());

describe("a route accepts only its own topic", () => {
  it("an orders/paid body posted to the customers/redact route earns nothing, is refused with 400 and recorded", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextId++, customerId: 5 });

    const response = await send(
      forged({ route: "customers/redact", topic: "orders/paid", shop, body, webhookId: "wrong-route" }),
      "customers/redact",
      [shop],
    );

    expect(response.status).toBe(400);
    expect(await prisma.member.count({ where: { shop } })).toBe(0);
    const row = await deliveryOf(shop, "wrong-route");
    expect(row).toMatchObject({ status: "REJECTED", topic: "ORDERS_PAID", payload: null });
    expect(row!.outcome).toBe("orders/paid delivered to the customers/redact route: nothing done");
  });

  it("every route refuses every other topic's header", async () => {
    const shop = await installedShop();
    const routes: Topic[] = [
      "orders/paid",
      "orders/cancelled",
      "app/uninstalled",
      "shop/redact",
      "customers/redact",
    ];
    for (const route of routes) {
      for (const topic of routes.filter((t) => t !== route)) {
        const response = await deliverTo(route, forged({ route, topic, shop, body: { id: 1 } }));
        expect([route, topic, response.status]).toEqual([route, topic, 400]);
      }
    }
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
    expect(await prisma.webhookDelivery.count({ where: { shop, status: { not: "REJECTED" } } })).toBe(0);
  });
});

describe("a signed body replayed under other headers", () => {
  it("an orders/paid body sent as app/uninstalled for another shop leaves that shop installed", async () => {
    const { body } = await shopWithMember();
    const victim = await shopWithMember();
    const before = await snapshot(victim.shop);

    const response = await send(
      forged({ route: "app/uninstalled", shop: victim.shop, body, webhookId: "not-a-shop" }),
      "app/uninstalled",
      [victim.shop],
    );

    expect(response.status).toBe(200);
    const after = await snapshot(victim.shop);
    expect(after.sessions).toBe(1);
    expect(after.shopRow!.installState).toBe("INSTALLED");
    expect(after.members).toEqual(before.members);
    const row = await deliveryOf(victim.shop, "not-a-shop");
    expect(row).toMatchObject({ status: "REJECTED" });
    expect(row!.outcome).toContain("myshopify_domain");
  });

  it("a real app/uninstalled body of shop A sent with shop B's domain uninstalls nobody", async () => {
    const a = await installedShop();
    const b = await installedShop();

    await send(
      forged({ route: "app/uninstalled", shop: b, body: { id: 7, myshopify_domain: a, domain: a } }),
      "app/uninstalled",
      [b],
    );

    expect(await prisma.session.count({ where: { shop: { in: [a, b] } } })).toBe(2);
  });

  it("an orders/paid body sent as shop/redact erases nothing", async () => {
    const victim = await shopWithMember();
    await prisma.session.deleteMany({ where: { shop: victim.shop } });
    const before = await snapshot(victim.shop);

    await send(forged({ route: "shop/redact", shop: victim.shop, body: victim.body }), "shop/redact", [
      victim.shop,
    ]);

    const after = await snapshot(victim.shop);
    expect(after.shopRow).not.toBeNull();
    expect(after.entries).toEqual(before.entries);
  });

  it("a customers/redact naming shop A, sent with shop D's domain, erases nobody in D (and says why in the log)", async () => {
    const a = await shopWithMember(9);
    const d = await shopWithMember(9);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});

    await send(
      forged({
        route: "customers/redact",
        shop: d.shop,
        webhookId: "cross-shop",
        body: { shop_id: 1, shop_domain: a.shop, customer: { id: 9 }, orders_to_redact: [] },
      }),
      "customers/redact",
      [d.shop],
    );

    expect(await prisma.member.count({ where: { shop: d.shop } })).toBe(1);
    expect(await prisma.erasedSubject.count({ where: { shop: d.shop } })).toBe(0);
    const row = await deliveryOf(d.shop, "cross-shop");
    expect(row!.status).toBe("REJECTED");
    expect(row!.outcome).toContain(`the delivery came for ${d.shop}`);
    expect(error.mock.calls.flat().join("\n")).toContain(`customers/redact cross-shop for ${d.shop} refused`);
  });

  it("an orders/paid body re-sent as orders/cancelled takes no points back", async () => {
    const victim = await shopWithMember();
    const before = await snapshot(victim.shop);

    await send(
      forged({ route: "orders/cancelled", shop: victim.shop, body: victim.body, webhookId: "not-cancelled" }),
      "orders/cancelled",
      [victim.shop],
    );

    expect((await snapshot(victim.shop)).entries).toEqual(before.entries);
    expect((await deliveryOf(victim.shop, "not-cancelled"))!.outcome).toContain("cancelled_at");
  });

  it("an orders/paid body re-sent as orders/fulfilled earns nothing in a shop that earns on fulfilment", async () => {
    const shop = await installedShop();
    await prisma.programSettings.update({ where: { shop }, data: { earnOn: "ORDERS_FULFILLED" } });
    const body = orderPayload({ orderId: nextId++, customerId: 3 });

    await send(forged({ route: "orders/fulfilled", shop, body }), "orders/fulfilled", [shop]);

    expect(await prisma.member.count({ where: { shop } })).toBe(0);
  });

  it("a refund is not an order: a refunds/create body sent as orders/paid is refused with the reason", async () => {
    const shop = await installedShop();
    const refund = { admin_graphql_api_id: "gid://shopify/Refund/1", order_id: 1, refund_line_items: [] };

    await send(
      forged({ route: "orders/paid", shop, body: refund, webhookId: "refund-as-order" }),
      "orders/paid",
      [shop],
    );

    expect((await deliveryOf(shop, "refund-as-order"))!.status).toBe("REJECTED");
  });

  it("an added Events-format HMAC header does not change what is verified", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextId++, customerId: 4 });
    const secret = process.env.SHOPIFY_API_SECRET!;
    const other = JSON.stringify({ x: 1 });
    const request = forged({
      route: "orders/paid",
      shop,
      body,
      headers: {
        "shopify-hmac-sha256": createHmac("sha256", secret).update(other).digest("base64"),
        "shopify-topic": "orders/paid",
        "shopify-shop-domain": uniqueShop(),
      },
    });

    const response = await send(request, "orders/paid", [shop]);

    expect(response.status).toBe(200);
    expect(await prisma.member.count({ where: { shop } })).toBe(1);
  });
});

describe("bodies that are no webhook", () => {
  it("a merchant's session token, signed with the app secret like a body, creates no row in any shop's log", async () => {
    const target = await installedShop();
    const token = await sessionTokenFor(await installedShop());
    const [header, payload, signature] = token.split(".");
    const hmac = Buffer.from(signature!, "base64url").toString("base64");
    const request = new Request("https://tally.test/webhooks/orders/paid", {
      method: "POST",
      headers: {
        "X-Shopify-Hmac-Sha256": hmac,
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": target,
        "X-Shopify-Webhook-Id": "session-token",
        "X-Shopify-API-Version": "2026-10",
      },
      body: `${header}.${payload}`,
    });

    const response = await send(request, "orders/paid", [target]);

    expect(response.status).toBe(400);
    expect(await prisma.webhookDelivery.count({ where: { shop: target } })).toBe(0);
  });

  it("signed JSON that is not an object (array, string, number, null) creates no row", async () => {
    const shop = await installedShop();
    for (const body of ["[]", '"text"', "42", "null", "[{}]"]) {
      const response = await deliverTo("orders/paid", forged({ route: "orders/paid", shop, body }));
      expect([body, response.status]).toEqual([body, 400]);
    }
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });
});

describe("before the signature", () => {
  it("missing or malformed Shopify headers get 400 and nothing is written", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextId++, customerId: 6 });
    const cases: Array<Record<string, string | null>> = [
      { "X-Shopify-Hmac-Sha256": null },
      { "X-Shopify-Topic": null },
      { "X-Shopify-Shop-Domain": null },
      { "X-Shopify-Shop-Domain": "evil.example.com" },
      { "X-Shopify-Webhook-Id": null },
      { "X-Shopify-Webhook-Id": "x".repeat(200) },
      { "X-Shopify-API-Version": "latest" },
      { "X-Shopify-Hmac-Sha256": "not base64" },
      { "Content-Length": "12abc" },
    ];
    for (const headers of cases) {
      const response = await deliverTo("orders/paid", forged({ route: "orders/paid", shop, body, headers }));
      expect([headers, response.status]).toEqual([headers, 400]);
    }
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("a body over the limit gets 413 before its signature is checked, and nothing is written", async () => {
    const shop = await installedShop();
    const big = JSON.stringify({ pad: "x".repeat(WEBHOOK_BODY_LIMIT_BYTES) });
    // A wrong HMAC too: 413 and not 401 shows the size was judged first.
    const wrongHmac = { "X-Shopify-Hmac-Sha256": Buffer.alloc(32).toString("base64") };

    const declared = await deliverTo(
      "orders/paid",
      forged({
        route: "orders/paid",
        shop,
        body: big,
        headers: { ...wrongHmac, "Content-Length": String(big.length) },
      }),
    );
    const undeclared = await deliverTo(
      "orders/paid",
      forged({ route: "orders/paid", shop, body: big, headers: wrongHmac }),
    );
    const signed = await deliverTo("orders/paid", forged({ route: "orders/paid", shop, body: big }));

    expect([declared.status, undeclared.status, signed.status]).toEqual([413, 413, 413]);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });
});

describe("shops that never installed", () => {
  it("their deliveries are recorded as ignored up to a daily cap, then only counted in the log", async () => {
    const body = orderPayload({ orderId: nextId++, customerId: 7 });
    const existing = await prisma.webhookDelivery.count({
      where: { outcome: "shop never installed Tally", receivedAt: { gt: new Date(Date.now() - 86_400_000) } },
    });
    // Fill the day's allowance directly, leaving room for exactly two more.
    const filler = uniqueShop("filler");
    await prisma.webhookDelivery.createMany({
      data: Array.from({ length: Math.max(0, 998 - existing) }, (_, i) => ({
        shop: filler,
        webhookId: `filler-${i}`,
        topic: "ORDERS_PAID",
        status: "IGNORED" as const,
        outcome: "shop never installed Tally",
      })),
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

    const strangers = Array.from({ length: 5 }, () => uniqueShop("stranger"));
    for (const shop of strangers) {
      const response = await deliverTo("orders/paid", forged({ route: "orders/paid", shop, body }));
      expect(response.status).toBe(200);
    }

    expect(await prisma.webhookDelivery.count({ where: { shop: { in: strangers } } })).toBe(2);
    expect(warn.mock.calls.flat().join("\n")).toContain("never installed, not recorded (daily cap)");
    await prisma.webhookDelivery.deleteMany({ where: { shop: { in: [filler, ...strangers] } } });
  });
});
