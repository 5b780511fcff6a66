import { prisma } from "~/db.server";
import { decideEarning, type EarnEvent, type EarningRules } from "~/domain/earning-rules";
import type { OrderFacts } from "~/domain/order";
import { parseOrderPayload } from "~/domain/order-payload";
import { ONE, type Decimal } from "~/domain/points";
import type { Prisma } from "~/generated/prisma/client";
import { earnMultipliers } from "./multiplier.server";
import { lockOrders, recoverOwed, settleReversals } from "./order-points.server";
import { rulesFrom } from "./program.server";

export type Settlement = { status: "PROCESSED" | "IGNORED" | "REJECTED"; outcome: string };

export const earnKeyFor = (orderGid: string) => `earn:${orderGid}`;

interface ClaimedDelivery {
  id: bigint;
  topic: EarnEvent;
  payload: unknown;
}

interface Earning {
  deliveryId: bigint;
  customerGid: string;
  points: number;
  baseMinor: bigint;
  currency: string;
  reason: string;
  source: string;
  key: string;
  details: Prisma.InputJsonValue;
}

type Decision = { settle: Settlement } | { earn: Earning };

/**
 * orders/paid or orders/fulfilled (whichever the shop earns on) → one EARN
 * entry per order, keyed on the order's GID.
 *
 * Claims up to `limit` pending order deliveries of one shop (SKIP
 * LOCKED, so concurrent drains never share a delivery) and, in the same
 * transaction, creates missing members, inserts the entries (a key already
 * present posts nothing), moves the cached balances and settles every
 * claimed delivery. Set-based: a batch of any size costs a handful of
 * statements. Each entry keeps how it was computed, so later clawbacks use
 * the rate that was earned, not today's. Returns how many were claimed.
 */
export async function awardOrders(shop: string, limit: number): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<ClaimedDelivery[]>`
      SELECT "id", "topic", "payload" FROM "WebhookDelivery"
      WHERE "shop" = ${shop} AND "status" = 'PENDING' AND "topic" IN ('ORDERS_PAID', 'ORDERS_FULFILLED')
      ORDER BY "id" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (claimed.length === 0) return 0;

    const settings = await tx.programSettings.findUnique({ where: { shop } });
    const rules = settings ? rulesFrom(settings) : null;
    const orders = claimed.map((delivery) => parseOrderPayload(delivery.payload));
    const customers = orders.flatMap((o) => (o.ok && o.value.customerGid ? [o.value.customerGid] : []));
    const multipliers = await earnMultipliers(shop, [...new Set(customers)]);
    // Locked for the rest of the batch: a refund or cancellation of the same
    // order waits, and one that came first is seen here.
    const orderRows = await lockOrders(
      tx,
      shop,
      orders.flatMap((o) => (o.ok ? [o.value.orderGid] : [])),
    );
    const decisions = claimed.map((delivery, index): Decision => {
      if (!rules) return { settle: { status: "IGNORED", outcome: "shop has no loyalty program set up" } };
      const order = orders[index]!;
      if (!order.ok) return { settle: { status: "REJECTED", outcome: order.reason } };
      if (orderRows.get(order.value.orderGid)?.cancelled) {
        return {
          settle: { status: "IGNORED", outcome: "order was cancelled before it earned: it earns nothing" },
        };
      }
      return decide(delivery, order.value, rules, multipliers);
    });

    const earnings = decisions.flatMap((d) => ("earn" in d ? [d.earn] : []));
    const posted = await postEarnings(tx, shop, earnings);
    await recordEarnedOrders(tx, shop, earnings, posted);

    const outcomes = decisions.map((decision, index): [bigint, Settlement] => {
      const deliveryId = claimed[index]!.id;
      if ("settle" in decision) return [deliveryId, decision.settle];
      const entryId = postedBy(posted, decision.earn);
      return [
        deliveryId,
        entryId !== undefined
          ? { status: "PROCESSED", outcome: `earned ${decision.earn.points} points (entry ${entryId})` }
          : { status: "PROCESSED", outcome: `order already earned (${decision.earn.key})` },
      ];
    });
    await tx.$executeRaw`
      UPDATE "WebhookDelivery" AS w
      SET "status" = v.status::"DeliveryStatus", "outcome" = v.outcome, "processedAt" = now()
      FROM unnest(${outcomes.map(([id]) => id.toString())}::bigint[],
                  ${outcomes.map(([, s]) => s.status)}::text[],
                  ${outcomes.map(([, s]) => s.outcome)}::text[]) AS v(id, status, outcome)
      WHERE w."id" = v.id`;
    return claimed.length;
  });
}

function decide(
  delivery: ClaimedDelivery,
  order: OrderFacts,
  rules: EarningRules,
  multipliers: Map<string, Decimal>,
): Decision {
  const multiplier = (order.customerGid && multipliers.get(order.customerGid)) || ONE;
  const decision = decideEarning(order, rules, delivery.topic, multiplier);
  if (decision.kind === "skip") return { settle: { status: decision.status, outcome: decision.reason } };
  return {
    earn: {
      deliveryId: delivery.id,
      customerGid: order.customerGid!,
      points: decision.points,
      baseMinor: decision.base.minor,
      currency: decision.base.currency,
      reason: decision.reason,
      source: order.orderGid,
      key: earnKeyFor(order.orderGid),
      details: { ...decision.details, deliveryId: delivery.id.toString() } as Prisma.InputJsonValue,
    },
  };
}

/**
 * Marks the orders that just earned on their OrderPoints rows (with the
 * snapshot refunds are measured by), takes back the share of any refund that
 * arrived before the earn, and recovers what members owe from the new points.
 */
async function recordEarnedOrders(
  tx: Prisma.TransactionClient,
  shop: string,
  earnings: Earning[],
  posted: Posted,
): Promise<void> {
  const earned = earnings.filter((e) => postedBy(posted, e) !== undefined);
  if (earned.length === 0) return;
  await tx.$executeRaw`
    UPDATE "OrderPoints" AS o
    SET "earned" = true, "earnedPoints" = v.points, "earnedBase" = v.base, "currency" = v.currency,
        "customerGid" = v.customer, "snapshot" = v.snapshot::jsonb, "updatedAt" = now()
    FROM unnest(${earned.map((e) => e.source)}::text[], ${earned.map((e) => e.points)}::int[],
                ${earned.map((e) => e.baseMinor.toString())}::bigint[], ${earned.map((e) => e.currency)}::text[],
                ${earned.map((e) => e.customerGid)}::text[], ${earned.map((e) => JSON.stringify(e.details))}::text[])
      AS v(order_gid, points, base, currency, customer, snapshot)
    WHERE o."shop" = ${shop} AND o."orderGid" = v.order_gid`;
  const refunded = await tx.orderRefund.findMany({
    where: { shop, orderGid: { in: earned.map((e) => e.source) } },
    distinct: ["orderGid"],
    select: { orderGid: true },
  });
  for (const { orderGid } of refunded)
    await settleReversals(tx, shop, orderGid, "Refund received before the order earned");
  await recoverOwed(
    tx,
    shop,
    earned.map((e) => ({ memberId: posted.memberOf.get(e.customerGid)!, key: e.key, points: e.points })),
  );
}

type Posted = Map<string, bigint> & { firstClaim: Map<string, bigint>; memberOf: Map<string, string> };

/**
 * The entry this earning's delivery posted, if it was the one: a batch can
 * hold the same order twice, and only the first delivery of it earned.
 */
function postedBy(posted: Posted, earning: Earning): bigint | undefined {
  return posted.firstClaim.get(earning.key) === earning.deliveryId ? posted.get(earning.key) : undefined;
}

/**
 * Creates missing members, inserts the entries (ON CONFLICT DO NOTHING on the
 * shop's idempotency key) and adds what was actually inserted to the cached
 * balances. Returns the new entry id per key; `firstClaim` says which
 * delivery's entry it was when one batch holds the same order twice.
 */
async function postEarnings(
  tx: Prisma.TransactionClient,
  shop: string,
  earnings: Earning[],
): Promise<Posted> {
  const posted: Posted = Object.assign(new Map<string, bigint>(), {
    firstClaim: new Map<string, bigint>(),
    memberOf: new Map<string, string>(),
  });
  if (earnings.length === 0) return posted;

  // Sorted, so two batches that touch the same members lock them in one order.
  const gids = [...new Set(earnings.map((e) => e.customerGid))].sort();
  const members = await tx.$queryRaw<Array<{ id: string; customerGid: string }>>`
    WITH created AS (
      INSERT INTO "Member" ("id", "shop", "customerGid", "updatedAt")
      SELECT gen_random_uuid(), ${shop}, gid, now() FROM unnest(${gids}::text[]) AS gid
      ON CONFLICT ("shop", "customerGid") DO NOTHING
      RETURNING "id", "customerGid")
    SELECT "id"::text, "customerGid" FROM created
    UNION ALL
    SELECT "id"::text, "customerGid" FROM "Member" WHERE "shop" = ${shop} AND "customerGid" = ANY(${gids}::text[])`;
  const memberOf = posted.memberOf;
  for (const m of members) memberOf.set(m.customerGid, m.id);
  const missing = gids.filter((gid) => !memberOf.has(gid));
  // Another transaction created these members and has not committed yet;
  // failing the batch lets the job retry once it has.
  if (missing.length) throw new Error(`members being created concurrently: ${missing.length}`);

  for (const earning of earnings) {
    if (!posted.firstClaim.has(earning.key)) posted.firstClaim.set(earning.key, earning.deliveryId);
  }
  const inserted = await tx.$queryRaw<
    Array<{ id: bigint; idempotencyKey: string; memberId: string; points: number }>
  >`
    INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "reason", "source", "idempotencyKey", "details")
    SELECT ${shop}, m::uuid, 'EARN', p, r, s, k, d::jsonb
    FROM unnest(${earnings.map((e) => memberOf.get(e.customerGid)!)}::text[],
                ${earnings.map((e) => e.points)}::int[],
                ${earnings.map((e) => e.reason)}::text[],
                ${earnings.map((e) => e.source)}::text[],
                ${earnings.map((e) => e.key)}::text[],
                ${earnings.map((e) => JSON.stringify(e.details))}::text[]) AS t(m, p, r, s, k, d)
    ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
    RETURNING "id", "idempotencyKey", "memberId"::text, "points"`;

  const deltas = new Map<string, number>();
  for (const entry of inserted) {
    posted.set(entry.idempotencyKey, entry.id);
    deltas.set(entry.memberId, (deltas.get(entry.memberId) ?? 0) + entry.points);
  }
  if (deltas.size > 0) {
    await tx.$executeRaw`
      UPDATE "Member" AS m SET "points" = m."points" + v.delta, "lastActivityAt" = now(), "updatedAt" = now()
      FROM unnest(${[...deltas.keys()]}::uuid[], ${[...deltas.values()]}::int[]) AS v(id, delta)
      WHERE m."id" = v.id`;
  }
  return posted;
}
