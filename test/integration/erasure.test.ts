import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { reconcileShop } from "~/models/reconciliation.server";
import { adminClientForShop } from "~/services/admin-client.server";
import { numericId } from "#test/mocks/shopify/graphql/connection";
import { CANCELLED_AT, orderPayload } from "#test/factories/order";
import { refundPayload } from "#test/factories/refund";
import { installedShop } from "#test/support/shops";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";
import { deliver, type Topic } from "#test/support/webhooks";

// After customers/redact nothing that arrives later brings the customer
// back. Drained by hand: each test decides when the worker would run.

const standIn = standInDuringFile();

let nextId = 8_100_000_000_000;
const CUSTOMER = 81;
const customerGid = `gid://shopify/Customer/${CUSTOMER}`;

async function send(shop: string, topic: Topic, body: unknown, webhookId = `erasure-${nextId++}`) {
  const response = await deliver({ shop, topic, webhookId, body });
  await drainShop(shop);
  const delivery = await prisma.webhookDelivery.findUniqueOrThrow({
    where: { shop_webhookId: { shop, webhookId } },
  });
  return { response, delivery };
}

const paidBody = (orderId: number, customerId = CUSTOMER) =>
  orderPayload({ orderId, customerId, lines: [{ price: "40.00" }] });

const redactBody = (shop: string, customerId: number | string, orders: Array<number | string> = []) => ({
  shop_id: 1,
  shop_domain: shop,
  customer: { id: customerId, email: "ada@example.com", phone: "555" },
  orders_to_redact: orders,
});

/** Everything Tally holds that names the customer or one of the orders (but the erasure request itself). */
async function heldAbout(shop: string, customer: string, orderGids: string[]) {
  const [members, orders, refunds, deliveries, entries] = await Promise.all([
    prisma.member.count({ where: { shop, customerGid: customer } }),
    prisma.orderPoints.count({
      where: { shop, OR: [{ customerGid: customer }, { orderGid: { in: orderGids } }] },
    }),
    prisma.orderRefund.count({ where: { shop, orderGid: { in: orderGids } } }),
    prisma.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM "WebhookDelivery"
      WHERE "shop" = ${shop} AND "topic" <> 'CUSTOMERS_REDACT' AND ("customerGid" = ${customer} OR "subjectGid" = ANY(${orderGids}::text[])
        OR "payload"::text LIKE ${`%${customer}%`})`,
    prisma.ledgerEntry.count({ where: { shop, source: { in: [customer, ...orderGids] } } }),
  ]);
  return { members, orders, refunds, deliveries: deliveries[0].n, entries };
}

const NOTHING = { members: 0, orders: 0, refunds: 0, deliveries: 0, entries: 0 };

/** A member who earned on one order, then was erased. */
async function erasedMember(shop: string) {
  const orderId = nextId++;
  await send(shop, "orders/paid", paidBody(orderId), `first-paid-${orderId}`);
  expect((await heldAbout(shop, customerGid, [`gid://shopify/Order/${orderId}`])).members).toBe(1);
  const redact = await send(shop, "customers/redact", redactBody(shop, CUSTOMER));
  expect(redact.delivery).toMatchObject({ status: "PROCESSED", outcome: "member and ledger erased" });
  return { orderId, orderGid: `gid://shopify/Order/${orderId}` };
}

describe("customers/redact sticks", () => {
  it("a late orders/paid for an erased order, redelivered or under a new id, brings nothing back", async () => {
    const shop = await installedShop();
    const { orderId, orderGid } = await erasedMember(shop);

    const redelivered = await send(shop, "orders/paid", paidBody(orderId), `first-paid-${orderId}`);
    const late = await send(shop, "orders/paid", paidBody(orderId));

    expect(redelivered.delivery.attempts).toBe(2);
    expect(late.response.status).toBe(200);
    expect(late.delivery).toMatchObject({ status: "IGNORED", payload: null, customerGid: null });
    expect(late.delivery.outcome).toContain("erased");
    expect(await heldAbout(shop, customerGid, [orderGid])).toEqual(NOTHING);
  });

  it("a new order, a refund, a cancellation or customers/create for the erased customer keeps nothing", async () => {
    const shop = await installedShop();
    const { orderId, orderGid } = await erasedMember(shop);
    const newOrder = nextId++;

    const outcomes = [
      await send(shop, "orders/paid", paidBody(newOrder)),
      await send(
        shop,
        "refunds/create",
        refundPayload({ refundId: nextId++, orderId, lines: [{ subtotal: "10.00" }] }),
      ),
      await send(
        shop,
        "orders/cancelled",
        orderPayload({ orderId, customerId: CUSTOMER, cancelledAt: CANCELLED_AT }),
      ),
      await send(shop, "customers/create", {
        id: CUSTOMER,
        admin_graphql_api_id: customerGid,
        email: "ada@example.com",
        first_name: "Ada",
      }),
    ].map(({ delivery }) => [delivery.status, delivery.payload]);

    expect(outcomes).toEqual(Array(4).fill(["IGNORED", null]));
    expect(await heldAbout(shop, customerGid, [orderGid, `gid://shopify/Order/${newOrder}`])).toEqual(
      NOTHING,
    );
  });

  it("orders listed in orders_to_redact stay erased even when Tally never saw them", async () => {
    const shop = await installedShop();
    const unseen = nextId++;
    await send(shop, "customers/redact", redactBody(shop, CUSTOMER, [unseen]));

    // A refund names only the order: its own customer id is absent.
    const refund = await send(
      shop,
      "refunds/create",
      refundPayload({ refundId: nextId++, orderId: unseen, lines: [{ subtotal: "5.00" }] }),
    );

    expect(refund.delivery).toMatchObject({ status: "IGNORED", payload: null });
    expect(await heldAbout(shop, customerGid, [`gid://shopify/Order/${unseen}`])).toEqual(NOTHING);
  });

  it("a delivery recorded before the erasure and drained after it never posts", async () => {
    const shop = await installedShop();
    const orderId = nextId++;
    // Recorded, not yet drained (the worker is busy).
    await deliver({ shop, topic: "orders/paid", webhookId: "queued-before", body: paidBody(orderId) });
    await deliver({ shop, topic: "customers/redact", webhookId: "redact", body: redactBody(shop, CUSTOMER) });
    // The redact is processed first (say, by another drain that claimed it).
    const { redactCustomer } = await import("~/models/compliance.server");
    await redactCustomer(shop, { customerGid, shopifyRequestId: null, orderGids: [] });

    await drainShop(shop);

    const queued = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { shop_webhookId: { shop, webhookId: "queued-before" } },
    });
    expect(queued).toMatchObject({ status: "IGNORED", payload: null, customerGid: null });
    expect(await heldAbout(shop, customerGid, [`gid://shopify/Order/${orderId}`])).toEqual(NOTHING);
  });

  it("reconciliation reading the erased customer's orders back from Shopify within its look-back keeps nothing", async () => {
    const { shop, customerId } = await connectedShop(standIn, "erasure");
    const orders = [
      standIn.addOrder(shop, { customerId, lines: [{ price: "30.00" }] }),
      standIn.addOrder(shop, { customerId, lines: [{ price: "45.00" }] }),
    ];
    await send(shop, "orders/paid", standIn.orderWebhookPayload(shop, orders[0]!));
    await send(shop, "customers/redact", redactBody(shop, numericId(customerId), [numericId(orders[1]!)]));

    const report = await reconcileShop(
      shop,
      await adminClientForShop(shop),
      new Date(Date.now() - 72 * 3600_000),
    );

    expect(report.earned).toBe(0);
    // Neither order is read in full: that would be reading the customer back.
    expect(report.fetched).toBe(0);
    expect(await heldAbout(shop, customerId, orders)).toEqual(NOTHING);
  });

  it("other customers of the shop, and the same customer id in another shop, still earn", async () => {
    const shop = await installedShop();
    const other = await installedShop();
    await erasedMember(shop);

    await send(shop, "orders/paid", paidBody(nextId++, 82));
    await send(other, "orders/paid", paidBody(nextId++, CUSTOMER));

    expect(await prisma.member.count({ where: { shop, customerGid: "gid://shopify/Customer/82" } })).toBe(1);
    expect(await prisma.member.count({ where: { shop: other, customerGid } })).toBe(1);
  });

  it("the database refuses a member, order or refund row for an erased subject, whatever code writes it", async () => {
    const shop = await installedShop();
    const { orderGid } = await erasedMember(shop);

    const attempts = [
      prisma.member.create({ data: { shop, customerGid } }),
      prisma.orderPoints.create({ data: { shop, orderGid } }),
      prisma.orderPoints.create({ data: { shop, orderGid: "gid://shopify/Order/1", customerGid } }),
      prisma.orderRefund.create({
        data: { shop, refundGid: "gid://shopify/Refund/1", orderGid, refund: {} },
      }),
    ];

    for (const attempt of attempts) await expect(attempt).rejects.toThrow(/erased by a compliance request/);
    expect(await heldAbout(shop, customerGid, [orderGid])).toEqual(NOTHING);
    // The tombstones hold hashes, not ids or personal data.
    const tombstones = await prisma.erasedSubject.findMany({ where: { shop } });
    expect(tombstones.length).toBeGreaterThanOrEqual(2);
    for (const row of tombstones) expect(row.subjectHash).toHaveLength(32);
    expect(JSON.stringify(tombstones)).not.toContain(String(CUSTOMER) + '"');
  });
});
