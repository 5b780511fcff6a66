import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runDaily } from "~/jobs/run-daily.server";
import { releaseDuePoints } from "~/models/pending-release.server";
import { customerAnswer } from "~/services/storefront-answer.server";
import { CANCELLED_AT, orderPayload } from "#test/factories/order";
import { refundPayload, type RefundSpec } from "#test/factories/refund";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { installedShop } from "#test/support/shops";
import { deliver, runWorkersDuringFile, settledDelivery } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 2 });

let nextId = 7_300_000_000_000;
const CUSTOMER = 88;
const customerGid = `gid://shopify/Customer/${CUSTOMER}`;
const DAY = 24 * 3600 * 1000;

async function pendingShop(days = 14) {
  const shop = await installedShop();
  await prisma.programSettings.update({ where: { shop }, data: { pendingDays: days } });
  return shop;
}

async function send(
  shop: string,
  topic: "orders/paid" | "orders/cancelled" | "refunds/create",
  body: unknown,
) {
  const webhookId = `${topic}-${nextId++}`;
  await deliver({ shop, topic, webhookId, body });
  return settledDelivery(shop, webhookId);
}
const paid = (shop: string, orderId: number, price = "100.00") =>
  send(shop, "orders/paid", orderPayload({ orderId, customerId: CUSTOMER, lines: [{ price }] }));
const refunded = (shop: string, spec: RefundSpec) => send(shop, "refunds/create", refundPayload(spec));

async function member(shop: string) {
  const row = await prisma.member.findUniqueOrThrow({
    where: { shop_customerGid: { shop, customerGid } },
    include: { entries: { orderBy: { id: "asc" } } },
  });
  // Each cached balance is the sum of its column over the member's entries.
  expect(row.entries.reduce((sum, e) => sum + e.points, 0)).toBe(row.points);
  expect(row.entries.reduce((sum, e) => sum + e.pendingPoints, 0)).toBe(row.pendingPoints);
  return row;
}

describe("pending points", () => {
  it("are visible but not spendable until the pending period is over", async () => {
    const shop = await pendingShop(14);
    const before = Date.now();

    const delivery = await paid(shop, nextId++);

    const { points, pendingPoints, entries } = await member(shop);
    expect([points, pendingPoints]).toEqual([0, 100]);
    expect(delivery.outcome).toMatch(/^earned 100 pending points/);
    expect(entries[0]).toMatchObject({ kind: "EARN", points: 0, pendingPoints: 100 });
    expect(entries[0]!.reason).toMatch(/\(pending until \d{4}-\d{2}-\d{2}\)$/);
    const until = Date.parse((entries[0]!.details as { pendingUntil: string }).pendingUntil);
    expect(until).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(until).toBeLessThanOrEqual(Date.now() + 14 * DAY);
    // What the storefront's widgets are answered.
    const url = signAppProxyUrl({
      secret: process.env.SHOPIFY_API_SECRET!,
      shop,
      url: "https://tally.test/proxy/customer",
      loggedInCustomerId: String(CUSTOMER),
    });
    const summary = await customerAnswer(new URL(url).search);
    expect(summary.body).toMatchObject({ loggedIn: true, points: 0, pendingPoints: 100 });
  });

  it("become spendable when the scheduled job runs after the period, and only once", async () => {
    const shop = await pendingShop(14);
    const orderId = nextId++;
    await paid(shop, orderId);

    expect(await releaseDuePoints(new Date(Date.now() + 13 * DAY))).toBe(0);
    expect((await member(shop)).points).toBe(0);

    const later = new Date(Date.now() + 15 * DAY);
    await runDaily(later.toISOString().slice(0, 10), later);
    await runDaily(later.toISOString().slice(0, 10), later);

    const { points, pendingPoints, entries } = await member(shop);
    expect([points, pendingPoints]).toEqual([100, 0]);
    expect(entries.map((e) => [e.kind, e.points, e.pendingPoints])).toEqual([
      ["EARN", 0, 100],
      ["RELEASE", 100, -100],
    ]);
    expect(entries[1]).toMatchObject({
      source: `gid://shopify/Order/${orderId}`,
      idempotencyKey: `release:gid://shopify/Order/${orderId}`,
    });
  });

  it("a refund during the pending period takes from the order's pending points, not the spendable balance", async () => {
    const shop = await pendingShop(14);
    const earlier = nextId++;
    await paid(shop, earlier, "50.00");
    await releaseDuePoints(new Date(Date.now() + 15 * DAY));
    const orderId = nextId++;
    await paid(shop, orderId);

    await refunded(shop, { refundId: nextId++, orderId, lines: [{ subtotal: "40.00" }] });

    const { points, pendingPoints, entries } = await member(shop);
    expect([points, pendingPoints]).toEqual([50, 60]);
    expect(entries.at(-1)).toMatchObject({ kind: "REVERSAL", points: 0, pendingPoints: -40 });
    expect(entries.at(-1)!.reason).toContain("(40 still pending)");

    await releaseDuePoints(new Date(Date.now() + 15 * DAY));
    expect(await member(shop)).toMatchObject({ points: 110, pendingPoints: 0 });
  });

  it("a cancellation during the pending period removes the pending points and nothing is released", async () => {
    const shop = await pendingShop(7);
    const orderId = nextId++;
    await paid(shop, orderId);

    await send(
      shop,
      "orders/cancelled",
      orderPayload({ orderId, customerId: CUSTOMER, cancelledAt: CANCELLED_AT }),
    );
    await releaseDuePoints(new Date(Date.now() + 8 * DAY));

    const { points, pendingPoints, entries } = await member(shop);
    expect([points, pendingPoints]).toEqual([0, 0]);
    expect(entries.map((e) => e.kind)).toEqual(["EARN", "REVERSAL"]);
  });

  it("a refund after release takes from the spendable balance", async () => {
    const shop = await pendingShop(7);
    const orderId = nextId++;
    await paid(shop, orderId);
    await releaseDuePoints(new Date(Date.now() + 8 * DAY));

    await refunded(shop, { refundId: nextId++, orderId, lines: [{ subtotal: "25.00" }] });

    const { points, pendingPoints, entries } = await member(shop);
    expect([points, pendingPoints]).toEqual([75, 0]);
    expect(entries.at(-1)).toMatchObject({ kind: "REVERSAL", points: -25, pendingPoints: 0 });
  });

  it("a refund that arrived before the earn is taken from the pending points when the order earns", async () => {
    const shop = await pendingShop(7);
    const orderId = nextId++;
    await refunded(shop, { refundId: nextId++, orderId, lines: [{ subtotal: "30.00" }] });

    await paid(shop, orderId);

    expect(await member(shop)).toMatchObject({ points: 0, pendingPoints: 70 });
  });

  it("what a member owes is recovered when pending points are released, not before", async () => {
    const shop = await pendingShop(7);
    await paid(shop, nextId++);
    await prisma.member.update({
      where: { shop_customerGid: { shop, customerGid } },
      data: { pointsOwed: 30 },
    });
    expect(await member(shop)).toMatchObject({ points: 0, pendingPoints: 100, pointsOwed: 30 });

    await releaseDuePoints(new Date(Date.now() + 8 * DAY));

    const { points, pointsOwed, entries } = await member(shop);
    expect([points, pointsOwed]).toEqual([70, 0]);
    expect(entries.map((e) => [e.kind, e.points])).toEqual([
      ["EARN", 0],
      ["RELEASE", 100],
      ["RECOVERY", -30],
    ]);
  });

  it("with no pending period, points are spendable at once", async () => {
    const shop = await installedShop();

    await paid(shop, nextId++);

    expect(await member(shop)).toMatchObject({ points: 100, pendingPoints: 0 });
  });
});
