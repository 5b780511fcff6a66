import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { reconcileShop } from "~/models/reconciliation.server";
import { adminClientForShop } from "~/services/admin-client.server";
import { installedShop } from "#test/support/shops";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";
import { deliver, runWorkersDuringFile, settledDelivery, type Topic } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 2 });

const standIn = standInDuringFile();

const HOUR = 3600 * 1000;
const since = () => new Date(Date.now() - 72 * HOUR);

const connected = () => connectedShop(standIn, "reconcile");

let webhookSeq = 0;
async function send(shop: string, topic: Topic, body: unknown) {
  const webhookId = `reconcile-${webhookSeq++}`;
  await deliver({ shop, topic, webhookId, body });
  return settledDelivery(shop, webhookId);
}

const ledger = (shop: string) =>
  prisma.ledgerEntry.findMany({
    where: { shop },
    orderBy: { id: "asc" },
    select: { kind: true, points: true, source: true, idempotencyKey: true, details: true },
  });

async function reconcile(shop: string) {
  return reconcileShop(shop, await adminClientForShop(shop), since());
}

describe("reconciliation", () => {
  it("earns an order whose orders/paid webhook never came, exactly as the webhook would have", async () => {
    const { shop, customerId } = await connected();
    const control = await installedShop({ label: "control" });
    const orders = [
      standIn.addOrder(shop, { customerId, lines: [{ price: "40.00", quantity: 2, discount: "5.00" }] }),
      standIn.addOrder(shop, {
        customerId,
        lines: [
          { price: "30.00", tax: "3.00" },
          { price: "25.00", giftCard: true },
        ],
        shippingLines: [{ price: "7.00" }],
      }),
      standIn.addOrder(shop, { customerId, lines: [{ price: "19.99" }] }),
    ];
    // The control shop hears about every order; the shop under test misses the second.
    for (const id of orders) await send(control, "orders/paid", standIn.orderWebhookPayload(shop, id));
    await send(shop, "orders/paid", standIn.orderWebhookPayload(shop, orders[0]!));
    await send(shop, "orders/paid", standIn.orderWebhookPayload(shop, orders[2]!));

    const report = await reconcile(shop);

    expect(report).toMatchObject({
      orders: 3,
      fetched: 1,
      earned: 1,
      refunds: 0,
      cancellations: 0,
      refused: [],
    });
    const earned = (entries: Awaited<ReturnType<typeof ledger>>) =>
      entries.map((e) => [e.source, e.points, (e.details as { base: string }).base]).sort();
    expect(earned(await ledger(shop))).toEqual(earned(await ledger(control)));
    const filled = (await ledger(shop)).find((e) => e.source === orders[1]);
    expect(filled).toMatchObject({ kind: "EARN", points: 30, idempotencyKey: `earn:${orders[1]}` });
    expect(filled!.details).toMatchObject({ via: "reconciliation" });
    const audit = await prisma.auditLog.findFirst({ where: { shop, action: "reconciliation.filled" } });
    expect(audit?.details).toMatchObject({ earned: 1 });
  });

  it("running it twice, or the webhook arriving late, changes nothing", async () => {
    const { shop, customerId } = await connected();
    const orderId = standIn.addOrder(shop, { customerId, lines: [{ price: "50.00" }] });
    await reconcile(shop);
    const before = await ledger(shop);

    const again = await reconcile(shop);
    const late = await send(shop, "orders/paid", standIn.orderWebhookPayload(shop, orderId));

    expect(again).toMatchObject({ orders: 1, fetched: 0, earned: 0 });
    expect(late.outcome).toBe(`order already earned (earn:${orderId})`);
    expect(await ledger(shop)).toEqual(before);
    expect(before.map((e) => [e.kind, e.points])).toEqual([["EARN", 50]]);
  });

  it("takes back a refund and a cancellation whose webhooks were dropped, at the rate the order earned", async () => {
    const { shop, customerId } = await connected();
    await prisma.programSettings.update({ where: { shop }, data: { earnRate: "2" } });
    const refundedOrder = standIn.addOrder(shop, {
      customerId,
      lines: [{ price: "60.00" }, { price: "40.00" }],
    });
    const cancelledOrder = standIn.addOrder(shop, { customerId, lines: [{ price: "10.00" }] });
    for (const id of [refundedOrder, cancelledOrder])
      await send(shop, "orders/paid", standIn.orderWebhookPayload(shop, id));
    await prisma.programSettings.update({ where: { shop }, data: { earnRate: "1" } });
    const [firstLine] = standIn.order(shop, refundedOrder).lines!;
    standIn.addRefund(shop, refundedOrder, { lines: [{ lineItemId: firstLine!.id, subtotal: "60.00" }] });
    standIn.updateOrder(shop, cancelledOrder, {
      cancelledAt: new Date().toISOString(),
      cancelReason: "CUSTOMER",
    });

    const report = await reconcile(shop);
    const second = await reconcile(shop);

    expect(report).toMatchObject({ refunds: 1, cancellations: 1, earned: 0 });
    expect(second).toMatchObject({ refunds: 0, cancellations: 0, fetched: 0 });
    expect((await ledger(shop)).map((e) => [e.kind, e.points, e.source])).toEqual([
      ["EARN", 200, refundedOrder],
      ["EARN", 20, cancelledOrder],
      ["REVERSAL", -20, cancelledOrder],
      ["REVERSAL", -120, refundedOrder],
    ]);
  });

  it("an order cancelled before anyone heard it was paid never earns", async () => {
    const { shop, customerId } = await connected();
    const orderId = standIn.addOrder(shop, { customerId, lines: [{ price: "80.00" }] });
    standIn.updateOrder(shop, orderId, {
      cancelledAt: new Date().toISOString(),
      financialStatus: "REFUNDED",
    });

    await reconcile(shop);

    expect(await ledger(shop)).toEqual([]);
    expect(
      await prisma.orderPoints.findUnique({ where: { shop_orderGid: { shop, orderGid: orderId } } }),
    ).toMatchObject({
      cancelled: true,
      earned: false,
    });
  });

  it("leaves out guest, unpaid and test orders, as the webhooks would", async () => {
    const { shop, customerId } = await connected();
    standIn.addOrder(shop, { customerId: null, lines: [{ price: "20.00" }] });
    standIn.addOrder(shop, { customerId, financialStatus: "PENDING", lines: [{ price: "20.00" }] });
    standIn.addOrder(shop, { customerId, test: true, lines: [{ price: "20.00" }] });

    const report = await reconcile(shop);

    expect(report).toMatchObject({ orders: 3, fetched: 0, earned: 0 });
    expect(await ledger(shop)).toEqual([]);
  });

  it("re-reads an order whose webhook was rejected as malformed, and earns from Shopify's own data", async () => {
    const { shop, customerId } = await connected();
    const orderId = standIn.addOrder(shop, { customerId, lines: [{ price: "12.00" }] });
    const broken = { ...standIn.orderWebhookPayload(shop, orderId), subtotal_price_set: "twelve" };
    expect((await send(shop, "orders/paid", broken)).status).toBe("REJECTED");

    const report = await reconcile(shop);

    expect(report.earned).toBe(1);
    expect((await ledger(shop)).map((e) => e.points)).toEqual([12]);
  });

  it("waits out Shopify's throttling and still fills the gap", async () => {
    const { shop, customerId } = await connected();
    standIn.addOrder(shop, { customerId, lines: [{ price: "15.00" }] });
    standIn.failNext("THROTTLED", 2);

    const report = await reconcile(shop);

    expect(report.earned).toBe(1);
    const requests = standIn.graphqlRequests(shop);
    expect(requests.filter((r) => r.outcome === "throttled")).toHaveLength(2);
  });
});
