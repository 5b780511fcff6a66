import { prisma } from "~/db.server";
import type { Refund } from "~/domain/refund-payload";
import { eligibleRefund, splitReversal, targetReversal, type EarnSnapshot } from "~/domain/reversal";
import type { OrderPoints, Prisma } from "~/generated/prisma/client";
import type { Settlement } from "./earning.server";
import { ERASED_OUTCOME, erasedAmong } from "./erasure.server";
import { postEntry } from "./ledger.server";

type Tx = Prisma.TransactionClient;

/** The orders' rows, created if new and locked, so events for one order apply one at a time. */
export async function lockOrders(
  tx: Tx,
  shop: string,
  orderGids: readonly string[],
): Promise<Map<string, OrderPoints>> {
  if (orderGids.length === 0) return new Map();
  const sorted = [...new Set(orderGids)].sort();
  await tx.$executeRaw`
    INSERT INTO "OrderPoints" ("shop", "orderGid", "updatedAt")
    SELECT ${shop}, gid, now() FROM unnest(${sorted}::text[]) AS gid
    ON CONFLICT ("shop", "orderGid") DO NOTHING`;
  const rows = await tx.$queryRaw<OrderPoints[]>`
    SELECT * FROM "OrderPoints" WHERE "shop" = ${shop} AND "orderGid" = ANY(${sorted}::text[])
    ORDER BY "orderGid" FOR UPDATE`;
  return new Map(rows.map((row) => [row.orderGid, row]));
}

/**
 * Brings the order's total reversal up to what its refunds and cancellation
 * call for (domain/reversal.ts). What the member's balance cannot cover is
 * recorded as owed, in the ledger entry's details and on the member, and
 * recovered from their next earnings. Keyed on the new total, so replays post
 * nothing.
 */
export async function settleReversals(
  tx: Tx,
  shop: string,
  orderGid: string,
  trigger: string,
): Promise<string> {
  const order = await tx.orderPoints.findUniqueOrThrow({ where: { shop_orderGid: { shop, orderGid } } });
  if (!order.earned) return `${trigger}: remembered until the order earns`;
  const snapshot = order.snapshot as unknown as EarnSnapshot;
  const refunds = await tx.orderRefund.findMany({ where: { shop, orderGid } });
  const refundedBase = refunds.reduce(
    (sum, r) => sum + eligibleRefund(r.refund as unknown as Refund, snapshot),
    0n,
  );
  const target = targetReversal(order, refundedBase);
  const delta = target - order.reversedPoints;
  if (delta <= 0)
    return `${trigger}: nothing more to take back (${order.reversedPoints} of ${order.earnedPoints} already)`;

  const [member] = await tx.$queryRaw<Array<{ id: string; points: number }>>`
    SELECT "id"::text, "points" FROM "Member"
    WHERE "shop" = ${shop} AND "customerGid" = ${order.customerGid} FOR UPDATE`;
  if (!member) throw new Error(`order ${orderGid} earned but its member is gone`);
  const { fromPending, taken, owed } = splitReversal(delta, order.pendingPoints, member.points);
  const details = {
    trigger,
    order: orderGid,
    earnedPoints: order.earnedPoints,
    earnedBase: order.earnedBase.toString(),
    refundedBase: refundedBase.toString(),
    cancelled: order.cancelled,
    totalReversed: target,
    fromPending,
    owed,
  };
  if (taken > 0 || fromPending > 0) {
    const parts = [
      fromPending ? `${fromPending} still pending` : "",
      fromPending && taken ? `${taken} from the balance` : "",
      owed ? `${owed} owed: the balance had ${member.points}` : "",
    ].filter(Boolean);
    const how = parts.length ? ` (${parts.join(", ")})` : "";
    await postEntry(tx, {
      shop,
      memberId: member.id,
      kind: "REVERSAL",
      points: -taken,
      pendingPoints: -fromPending,
      reason: `${trigger}: ${delta} of the ${order.earnedPoints} points this order earned taken back${how}`,
      source: orderGid,
      idempotencyKey: `reversal:${orderGid}:${target}`,
      details,
    });
  }
  if (owed > 0) {
    await tx.member.update({ where: { id: member.id }, data: { pointsOwed: { increment: owed } } });
    await tx.auditLog.create({
      data: { shop, action: "ledger.shortfall", subject: order.customerGid, details },
    });
  }
  await tx.orderPoints.update({
    where: { shop_orderGid: { shop, orderGid } },
    data: { reversedPoints: target, pendingPoints: { decrement: fromPending } },
  });
  return `${trigger}: took back ${fromPending + taken} points${fromPending ? ` (${fromPending} still pending)` : ""}${owed ? `, ${owed} owed` : ""} (${target} of ${order.earnedPoints} in all)`;
}

/** refunds/create: remember the refund once, and take back its share if the order has earned. */
export async function recordRefund(shop: string, refund: Refund): Promise<Settlement> {
  return prisma.$transaction(async (tx) => {
    if ((await erasedAmong(tx, shop, [refund.orderGid])).size > 0) {
      return { status: "IGNORED" as const, outcome: ERASED_OUTCOME };
    }
    const inserted = await tx.$executeRaw`
      INSERT INTO "OrderRefund" ("shop", "refundGid", "orderGid", "refund")
      VALUES (${shop}, ${refund.refundGid}, ${refund.orderGid}, ${JSON.stringify(refund)}::jsonb)
      ON CONFLICT ("shop", "refundGid") DO NOTHING`;
    if (inserted === 0) return { status: "PROCESSED" as const, outcome: "refund already recorded" };
    await lockOrders(tx, shop, [refund.orderGid]);
    const outcome = await settleReversals(tx, shop, refund.orderGid, `Refund ${refund.refundGid}`);
    return { status: "PROCESSED" as const, outcome };
  });
}

/** orders/cancelled: take back whatever the order still holds; an order cancelled before it earned never will. */
export async function recordCancellation(shop: string, orderGid: string): Promise<Settlement> {
  return prisma.$transaction(async (tx) => {
    if ((await erasedAmong(tx, shop, [orderGid])).size > 0) {
      return { status: "IGNORED" as const, outcome: ERASED_OUTCOME };
    }
    const order = (await lockOrders(tx, shop, [orderGid])).get(orderGid)!;
    if (order.cancelled) return { status: "PROCESSED" as const, outcome: "order already cancelled" };
    await tx.orderPoints.update({ where: { shop_orderGid: { shop, orderGid } }, data: { cancelled: true } });
    const outcome = await settleReversals(tx, shop, orderGid, "Order cancelled");
    return { status: "PROCESSED" as const, outcome };
  });
}

/**
 * Takes what members owe from the points they just earned: one RECOVERY
 * entry per earn entry that repays something, keyed on that earn.
 */
export async function recoverOwed(
  tx: Tx,
  shop: string,
  earnings: ReadonlyArray<{ memberId: string; key: string; points: number }>,
): Promise<void> {
  const memberIds = [...new Set(earnings.map((e) => e.memberId))].sort();
  if (memberIds.length === 0) return;
  // Locked and read now: a refund settled in this same transaction may
  // already have taken some of the new points back.
  const owing = await tx.$queryRaw<Array<{ id: string; points: number; pointsOwed: number }>>`
    SELECT "id"::text, "points", "pointsOwed" FROM "Member"
    WHERE "id" = ANY(${memberIds}::uuid[]) AND "pointsOwed" > 0 ORDER BY "id" FOR UPDATE`;
  const state = new Map(owing.map((m) => [m.id, { owed: m.pointsOwed, balance: m.points }]));
  for (const earning of earnings) {
    const member = state.get(earning.memberId);
    if (!member) continue;
    const recovered = Math.min(member.owed, earning.points, member.balance);
    if (recovered <= 0) continue;
    const result = await postEntry(tx, {
      shop,
      memberId: earning.memberId,
      kind: "RECOVERY",
      points: -recovered,
      reason: `${recovered} owed points recovered from this earning`,
      source: earning.key,
      idempotencyKey: `recovery:${earning.key}`,
      details: { recovered, owedBefore: member.owed },
    });
    if (!result.posted) continue;
    member.owed -= recovered;
    member.balance -= recovered;
    await tx.member.update({
      where: { id: earning.memberId },
      data: { pointsOwed: { decrement: recovered } },
    });
  }
}
