import { decideEarning, type EarnEvent, type EarningRules } from "~/domain/earning-rules";
import type { OrderFacts } from "~/domain/order";
import { ONE, type Decimal } from "~/domain/points";
import { releaseDate } from "~/domain/reversal";
import type { Prisma } from "~/generated/prisma/client";
import { earnMultipliers } from "./multiplier.server";
import { lockOrders, recoverOwed, settleReversals } from "./order-points.server";

type Tx = Prisma.TransactionClient;

export const earnKeyFor = (orderGid: string) => `earn:${orderGid}`;

/** One report of an order that may earn: a webhook delivery or a reconciliation find. */
export interface OrderReport {
  event: EarnEvent;
  order: OrderFacts;
  /** Where the report came from, kept in the entry's details (e.g. the delivery id). */
  origin: Record<string, string>;
}

export type EarnOutcome =
  | { kind: "earned"; points: number; entryId: bigint; pending: boolean }
  | { kind: "already"; key: string }
  | { kind: "skipped"; status: "IGNORED" | "PROCESSED" | "REJECTED"; reason: string };

interface Earning {
  report: number;
  customerGid: string;
  points: number;
  baseMinor: bigint;
  currency: string;
  reason: string;
  source: string;
  key: string;
  releaseAt: Date | null;
  details: Prisma.InputJsonValue;
}

/**
 * Turns reports of orders into EARN entries, one per order however often it
 * is reported, in the caller's transaction. Set-based: a batch of any size
 * costs a handful of statements. Creates missing members, locks the orders'
 * rows (a refund or cancellation of the same order waits; one that came first
 * is seen here), inserts the entries (a key already present posts nothing),
 * moves the balances (pending or spendable, per the shop's pending period),
 * applies refunds that arrived before the earn and recovers what members owe.
 * Each entry keeps how it was computed, so later clawbacks use the rate that
 * was earned, not today's. Returns one outcome per report, in order.
 */
export async function earnOrders(
  tx: Tx,
  shop: string,
  rules: EarningRules,
  reports: readonly OrderReport[],
  now: Date = new Date(),
): Promise<EarnOutcome[]> {
  if (reports.length === 0) return [];
  const customers = reports.flatMap((r) => (r.order.customerGid ? [r.order.customerGid] : []));
  const multipliers = await earnMultipliers(shop, [...new Set(customers)]);
  const orderRows = await lockOrders(
    tx,
    shop,
    reports.map((r) => r.order.orderGid),
  );
  const releaseAt = releaseDate(now, rules.pendingDays);

  const decisions = reports.map((report, index): EarnOutcome | Earning => {
    if (orderRows.get(report.order.orderGid)?.cancelled) {
      return {
        kind: "skipped",
        status: "IGNORED",
        reason: "order was cancelled before it earned: it earns nothing",
      };
    }
    return decide(index, report, rules, multipliers, releaseAt);
  });
  const earnings = decisions.filter((d): d is Earning => !("kind" in d));
  const posted = await postEarnings(tx, shop, earnings);
  await recordEarnedOrders(tx, shop, earnings, posted);

  return decisions.map((decision): EarnOutcome => {
    if ("kind" in decision) return decision;
    const entryId = postedBy(posted, decision);
    return entryId === undefined
      ? { kind: "already", key: decision.key }
      : { kind: "earned", points: decision.points, entryId, pending: decision.releaseAt !== null };
  });
}

function decide(
  index: number,
  report: OrderReport,
  rules: EarningRules,
  multipliers: Map<string, Decimal>,
  releaseAt: Date | null,
): EarnOutcome | Earning {
  const { order } = report;
  const multiplier = (order.customerGid && multipliers.get(order.customerGid)) || ONE;
  const decision = decideEarning(order, rules, report.event, multiplier);
  if (decision.kind === "skip") return { kind: "skipped", status: decision.status, reason: decision.reason };
  const pendingNote = releaseAt ? ` (pending until ${releaseAt.toISOString().slice(0, 10)})` : "";
  return {
    report: index,
    customerGid: order.customerGid!,
    points: decision.points,
    baseMinor: decision.base.minor,
    currency: decision.base.currency,
    reason: decision.reason + pendingNote,
    source: order.orderGid,
    key: earnKeyFor(order.orderGid),
    releaseAt,
    details: {
      ...decision.details,
      ...(releaseAt ? { pendingUntil: releaseAt.toISOString() } : {}),
      ...report.origin,
    } as Prisma.InputJsonValue,
  };
}

/**
 * Marks the orders that just earned on their OrderPoints rows (with the
 * snapshot refunds are measured by, and what is pending until when), takes
 * back the share of any refund that arrived before the earn, and recovers
 * what members owe from points that are spendable at once. Pending points
 * repay debts when they are released.
 */
async function recordEarnedOrders(tx: Tx, shop: string, earnings: Earning[], posted: Posted): Promise<void> {
  const earned = earnings.filter((e) => postedBy(posted, e) !== undefined);
  if (earned.length === 0) return;
  await tx.$executeRaw`
    UPDATE "OrderPoints" AS o
    SET "earned" = true, "earnedPoints" = v.points, "earnedBase" = v.base, "currency" = v.currency,
        "customerGid" = v.customer, "snapshot" = v.snapshot::jsonb,
        "pendingPoints" = CASE WHEN v.release_at IS NULL THEN 0 ELSE v.points END,
        "releaseAt" = v.release_at, "updatedAt" = now()
    FROM unnest(${earned.map((e) => e.source)}::text[], ${earned.map((e) => e.points)}::int[],
                ${earned.map((e) => e.baseMinor.toString())}::bigint[], ${earned.map((e) => e.currency)}::text[],
                ${earned.map((e) => e.customerGid)}::text[], ${earned.map((e) => JSON.stringify(e.details))}::text[],
                ${earned.map((e) => e.releaseAt?.toISOString() ?? null)}::timestamp[])
      AS v(order_gid, points, base, currency, customer, snapshot, release_at)
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
    earned
      .filter((e) => e.releaseAt === null)
      .map((e) => ({ memberId: posted.memberOf.get(e.customerGid)!, key: e.key, points: e.points })),
  );
}

type Posted = Map<string, bigint> & { firstClaim: Map<string, number>; memberOf: Map<string, string> };

/**
 * The entry this earning's report posted, if it was the one: a batch can
 * hold the same order twice, and only the first report of it earned.
 */
function postedBy(posted: Posted, earning: Earning): bigint | undefined {
  return posted.firstClaim.get(earning.key) === earning.report ? posted.get(earning.key) : undefined;
}

/**
 * Creates missing members, inserts the entries (ON CONFLICT DO NOTHING on the
 * shop's idempotency key) and adds what was actually inserted to the cached
 * balances, the pending one for points in their pending period. Returns the
 * new entry id per key; `firstClaim` says which report's entry it was when
 * one batch holds the same order twice.
 */
async function postEarnings(tx: Tx, shop: string, earnings: Earning[]): Promise<Posted> {
  const posted: Posted = Object.assign(new Map<string, bigint>(), {
    firstClaim: new Map<string, number>(),
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
    if (!posted.firstClaim.has(earning.key)) posted.firstClaim.set(earning.key, earning.report);
  }
  const pending = (e: Earning) => e.releaseAt !== null;
  const inserted = await tx.$queryRaw<
    Array<{ id: bigint; idempotencyKey: string; memberId: string; points: number; pendingPoints: number }>
  >`
    INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "pendingPoints", "reason", "source", "idempotencyKey", "details")
    SELECT ${shop}, m::uuid, 'EARN', p, pp, r, s, k, d::jsonb
    FROM unnest(${earnings.map((e) => memberOf.get(e.customerGid)!)}::text[],
                ${earnings.map((e) => (pending(e) ? 0 : e.points))}::int[],
                ${earnings.map((e) => (pending(e) ? e.points : 0))}::int[],
                ${earnings.map((e) => e.reason)}::text[],
                ${earnings.map((e) => e.source)}::text[],
                ${earnings.map((e) => e.key)}::text[],
                ${earnings.map((e) => JSON.stringify(e.details))}::text[]) AS t(m, p, pp, r, s, k, d)
    ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
    RETURNING "id", "idempotencyKey", "memberId"::text, "points", "pendingPoints"`;

  const deltas = new Map<string, { points: number; pending: number }>();
  for (const entry of inserted) {
    posted.set(entry.idempotencyKey, entry.id);
    const delta = deltas.get(entry.memberId) ?? { points: 0, pending: 0 };
    delta.points += entry.points;
    delta.pending += entry.pendingPoints;
    deltas.set(entry.memberId, delta);
  }
  if (deltas.size > 0) {
    const ids = [...deltas.keys()];
    await tx.$executeRaw`
      UPDATE "Member" AS m
      SET "points" = m."points" + v.delta, "pendingPoints" = m."pendingPoints" + v.pending_delta,
          "lastActivityAt" = now(), "updatedAt" = now()
      FROM unnest(${ids}::uuid[], ${ids.map((id) => deltas.get(id)!.points)}::int[],
                  ${ids.map((id) => deltas.get(id)!.pending)}::int[]) AS v(id, delta, pending_delta)
      WHERE m."id" = v.id`;
  }
  return posted;
}
