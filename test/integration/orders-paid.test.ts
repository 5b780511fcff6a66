import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { PrismaSessionStorage } from "~/models/session.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { orderPayload } from "#test/factories/order";
import { installedShop, uniqueShop } from "#test/support/shops";
import { deliver, webhookRequest, settledDelivery, runWorkersDuringFile } from "#test/support/webhooks";
import { callRoute } from "#test/support/routes";
import * as ordersPaid from "~/routes/webhooks.orders.paid";

let nextOrder = 5_000_000_000_000;

runWorkersDuringFile({ concurrency: 4, sweepEveryMs: 100, sweepGraceMs: 300 });

const entriesFor = (shop: string) => prisma.ledgerEntry.findMany({ where: { shop } });
const memberPoints = async (shop: string, customerId: number) =>
  (
    await prisma.member.findUnique({
      where: { shop_customerGid: { shop, customerGid: `gid://shopify/Customer/${customerId}` } },
    })
  )?.points;

describe("orders/paid", () => {
  it("posts the order's points to the member once, with the reason and how they were computed", async () => {
    const shop = await installedShop({ earnRate: "1.5" });
    const orderId = nextOrder++;
    const body = orderPayload({
      orderId,
      customerId: 42,
      lines: [{ price: "80.00", discount: "10.00" }],
      shipping: "9.00",
    });

    const response = await deliver({ shop, topic: "orders/paid", body, webhookId: "wh-1" });

    expect(response.status).toBe(200);
    const delivery = await settledDelivery(shop, "wh-1");
    expect(delivery.status).toBe("PROCESSED");
    const [entry, ...rest] = await entriesFor(shop);
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({
      kind: "EARN",
      points: 105,
      source: `gid://shopify/Order/${orderId}`,
      idempotencyKey: `earn:gid://shopify/Order/${orderId}`,
    });
    expect(entry!.reason).toContain("70.00 USD at 1.5 points per USD");
    expect(entry!.details).toMatchObject({
      rate: "1.5",
      base: "70.00",
      currency: "USD",
      rounding: "FLOOR",
      ruleVersion: 1,
    });
    expect(await memberPoints(shop, 42)).toBe(105);
  });

  it("a webhook delivered 5 times in a row posts one entry and counts the deliveries", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextOrder++, customerId: 7, lines: [{ price: "25.00" }] });

    for (let i = 0; i < 5; i++) {
      const response = await deliver({ shop, topic: "orders/paid", body, webhookId: "same-id" });
      expect(response.status).toBe(200);
    }

    const delivery = await settledDelivery(shop, "same-id");
    expect(delivery.attempts).toBe(5);
    expect(await entriesFor(shop)).toHaveLength(1);
    expect(await memberPoints(shop, 7)).toBe(25);
  });

  it("a webhook delivered 5 times concurrently posts one entry", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextOrder++, customerId: 8, lines: [{ price: "31.99" }] });

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => deliver({ shop, topic: "orders/paid", body, webhookId: "burst" })),
    );

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await settledDelivery(shop, "burst");
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(1);
    expect(await entriesFor(shop)).toHaveLength(1);
    expect(await memberPoints(shop, 8)).toBe(31);
  });

  it("the same order arriving under different webhook ids still earns once", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextOrder++, customerId: 9, lines: [{ price: "50.00" }] });

    await Promise.all(
      ["a", "b", "c"].map((webhookId) => deliver({ shop, topic: "orders/paid", body, webhookId })),
    );

    const outcomes = await Promise.all(["a", "b", "c"].map((id) => settledDelivery(shop, id)));
    expect(outcomes.every((d) => d.status === "PROCESSED")).toBe(true);
    expect(outcomes.filter((d) => d.outcome?.startsWith("order already earned"))).toHaveLength(2);
    expect(await entriesFor(shop)).toHaveLength(1);
    expect(await memberPoints(shop, 9)).toBe(50);
  });

  it("a replayed drain posts nothing a second time", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextOrder++, customerId: 10, lines: [{ price: "12.00" }] });
    await deliver({ shop, topic: "orders/paid", body, webhookId: "replay" });
    const delivery = await settledDelivery(shop, "replay");

    // Even with its status forced back to PENDING (a worker that died after
    // posting), the ledger key refuses a second entry.
    await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "PENDING" } });
    await drainShop(shop);

    const replayed = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(replayed.status).toBe("PROCESSED");
    expect(replayed.outcome).toMatch(/^order already earned/);
    expect(await entriesFor(shop)).toHaveLength(1);
    expect(await memberPoints(shop, 10)).toBe(12);
  });

  it("a wrong HMAC gets 401 and stores nothing", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextOrder++, customerId: 11 });
    // Loading the shop's session is the first database read after verification.
    const loadSession = vi.spyOn(PrismaSessionStorage.prototype, "loadSession");

    const response = await deliver({ shop, topic: "orders/paid", body, secret: "not-the-app-secret" });

    expect(response.status).toBe(401);
    expect(loadSession).not.toHaveBeenCalled();
    loadSession.mockRestore();
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
    expect(await entriesFor(shop)).toHaveLength(0);
  });

  it("a body altered after signing gets 401 and stores nothing", async () => {
    const shop = await installedShop();
    const signed = webhookRequest({
      shop,
      topic: "orders/paid",
      body: orderPayload({ orderId: nextOrder++, customerId: 12 }),
    });
    const tampered = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: JSON.stringify(
        orderPayload({ orderId: nextOrder++, customerId: 13, lines: [{ price: "9999.00" }] }),
      ),
    });

    const response = await callRoute(ordersPaid.action, tampered);

    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("malformed JSON with a valid HMAC is refused with 400, leaves no row in the shop's log and posts no points", async () => {
    const shop = await installedShop();

    const response = await deliver({
      shop,
      topic: "orders/paid",
      body: '{"id": 1, "line_items": [',
      webhookId: "broken",
    });

    expect(response.status).toBe(400);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
    expect(await entriesFor(shop)).toHaveLength(0);
  });

  it("a payload with a malformed amount is rejected with its reason and posts no points", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextOrder++, customerId: 14 });
    body.subtotal_price_set.shop_money.amount = "12,50";

    await deliver({ shop, topic: "orders/paid", body, webhookId: "bad-amount" });

    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { shop_webhookId: { shop, webhookId: "bad-amount" } },
    });
    expect(delivery.status).toBe("REJECTED");
    expect(delivery.outcome).toContain('"12,50" is not a USD amount');
    expect(await entriesFor(shop)).toHaveLength(0);
  });

  it("a guest order earns nothing", async () => {
    const shop = await installedShop();
    const body = orderPayload({ orderId: nextOrder++, customerId: null, lines: [{ price: "60.00" }] });

    await deliver({ shop, topic: "orders/paid", body, webhookId: "guest" });

    const delivery = await settledDelivery(shop, "guest");
    expect(delivery.status).toBe("IGNORED");
    expect(delivery.outcome).toContain("guest order");
    expect(await entriesFor(shop)).toHaveLength(0);
    expect(await prisma.member.count({ where: { shop } })).toBe(0);
  });

  it("a webhook for a shop that never installed is verified, recorded and otherwise ignored", async () => {
    const shop = uniqueShop("stranger");
    const body = orderPayload({ orderId: nextOrder++, customerId: 15 });

    const response = await deliver({ shop, topic: "orders/paid", body, webhookId: "stranger" });

    expect(response.status).toBe(200);
    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { shop_webhookId: { shop, webhookId: "stranger" } },
    });
    expect(delivery.status).toBe("IGNORED");
    expect(await prisma.member.count({ where: { shop } })).toBe(0);
  });

  it("a delivery whose queued job Redis lost is found in the database and still earns", async () => {
    const shop = await installedShop();
    const orderId = nextOrder++;
    // Recorded as the route records it, but never queued: as if Redis was
    // down, or flushed right after the route answered.
    const delivery = await prisma.webhookDelivery.create({
      data: {
        shop,
        webhookId: randomUUID(),
        topic: "ORDERS_PAID",
        subjectGid: `gid://shopify/Order/${orderId}`,
        customerGid: "gid://shopify/Customer/16",
        payload: orderPayload({ orderId, customerId: 16, lines: [{ price: "44.00" }] }),
        receivedAt: new Date(Date.now() - 60_000),
      },
    });

    const settled = await settledDelivery(shop, delivery.webhookId);

    expect(settled.status).toBe("PROCESSED");
    expect(await memberPoints(shop, 16)).toBe(44);
  });
});
