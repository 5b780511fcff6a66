import { setImmediate as yieldToIo } from "node:timers/promises";
import { decideEarning, type EarnEvent, type EarningRules } from "~/domain/earning-rules";
import type { OrderFacts } from "~/domain/order";
import { ONE, type Decimal } from "~/domain/points";
import { releaseDate } from "~/domain/reversal";
import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/db.server";
import { ERASED_OUTCOME, erasedAmong } from "./erasure.server";
import { earnMultipliers } from "./multiplier.server";
import { recoverOwed, settleReversals } from "./order-points.server";

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

export interface Earning {
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
 * is reported, in the caller's transaction. Set-based: one statement posts a
 * batch of any size (orders, members, entries, balances), so a backfill of a
 * hundred thousand orders costs a few hundred statements.
 *
 * The order's row decides: it is created as earned, or marked earned only if
 * it has neither earned nor been cancelled (a cancellation that came first
 * means the order never earns), and that upsert locks it, so a refund or
 * cancellation of the same order waits. Members are created or credited in
 * the same statement (the pending balance for points in their pending
 * period); entries are keyed `earn:<order>`, and an order marked earned whose
 * key already exists aborts the transaction rather than credit twice. Then
 * refunds that arrived before the earn are applied and debts recovered.
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
  return postPrepared(tx, shop, await prepareEarnings(shop, rules, reports, now));
}

/** A batch decided and serialized, ready to post: the part of earnOrders that needs no transaction. */
export interface PreparedEarnings {
  decisions: Array<EarnOutcome | Earning>;
  earnings: Earning[];
  /** The statement's input document. */
  payload: string;
}

// Decisions made between two looks at the event loop, so a transaction in
// flight keeps moving while a backfill prepares its next chunk.
const DECIDE_SLICE = 200;

/**
 * Decides what each report earns and serializes the batch. Separate from
 * posting so a backfill can prepare the next chunk while the current one is
 * written.
 */
export async function prepareEarnings(
  shop: string,
  rules: EarningRules,
  reports: readonly OrderReport[],
  now: Date = new Date(),
): Promise<PreparedEarnings> {
  const customers = reports.flatMap((r) => (r.order.customerGid ? [r.order.customerGid] : []));
  const [multipliers, erased] = await Promise.all([
    earnMultipliers(shop, [...new Set(customers)]),
    erasedAmong(prisma, shop, [...customers, ...reports.map((r) => r.order.orderGid)]),
  ]);
  const releaseAt = releaseDate(now, rules.pendingDays);

  // The first report of an order is the one that may earn; the others see its outcome.
  const first = new Set<string>();
  const decisions: Array<EarnOutcome | Earning> = [];
  for (const [index, report] of reports.entries()) {
    if (index > 0 && index % DECIDE_SLICE === 0) await yieldToIo();
    const orderGid = report.order.orderGid;
    if (first.has(orderGid)) {
      decisions.push({ kind: "already", key: earnKeyFor(orderGid) });
      continue;
    }
    first.add(orderGid);
    if (erased.has(orderGid) || (report.order.customerGid && erased.has(report.order.customerGid))) {
      decisions.push({ kind: "skipped", status: "IGNORED", reason: ERASED_OUTCOME });
      continue;
    }
    decisions.push(decide(report, rules, multipliers, releaseAt));
  }
  const earnings = decisions.filter((d): d is Earning => !("kind" in d));
  return { decisions, earnings, payload: JSON.stringify(earnings.map(statementRow)) };
}

/** Posts a prepared batch in the caller's transaction; one outcome per report, in order. */
export async function postPrepared(tx: Tx, shop: string, prepared: PreparedEarnings): Promise<EarnOutcome[]> {
  const { decisions, earnings } = prepared;
  const posted = await postEarnings(tx, shop, earnings, prepared.payload);
  await afterEarning(tx, shop, earnings, posted);

  return decisions.map((decision): EarnOutcome => {
    if ("kind" in decision) return decision;
    const entryId = posted.entries.get(decision.key);
    if (entryId !== undefined)
      return { kind: "earned", points: decision.points, entryId, pending: decision.releaseAt !== null };
    if (posted.cancelled.has(decision.source)) {
      return {
        kind: "skipped",
        status: "IGNORED",
        reason: "order was cancelled before it earned: it earns nothing",
      };
    }
    return { kind: "already", key: decision.key };
  });
}

const statementRow = (e: Earning) => ({
  o: e.source,
  c: e.customerGid,
  p: e.releaseAt ? 0 : e.points,
  q: e.releaseAt ? e.points : 0,
  r: e.reason,
  k: e.key,
  d: e.details,
  b: e.baseMinor.toString(),
  cur: e.currency,
  ra: e.releaseAt?.toISOString() ?? null,
});

function decide(
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

interface Posted {
  /** Entry id by idempotency key, for the earnings that posted. */
  entries: Map<string, bigint>;
  memberOf: Map<string, string>;
  /** Members who owe points, as of their row locked by this batch. */
  owing: Set<string>;
  /** Orders that did not earn because they were cancelled first. */
  cancelled: Set<string>;
}

/**
 * The one statement. Input travels as a single JSON document: one parameter
 * instead of a dozen arrays, which is most of what a batch costs on the
 * Node side. Rows are taken in key order so concurrent batches lock orders
 * and members in the same order.
 */
async function postEarnings(tx: Tx, shop: string, earnings: Earning[], payload: string): Promise<Posted> {
  const posted: Posted = { entries: new Map(), memberOf: new Map(), owing: new Set(), cancelled: new Set() };
  if (earnings.length === 0) return posted;
  // One row holding one JSON text: turning thousands of result rows into
  // objects costs Prisma more than the statement costs PostgreSQL.
  const [{ result }] = await tx.$queryRaw<[{ result: string }]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${payload}::jsonb)
        AS x(o text, c text, p int, q int, r text, k text, d jsonb, b bigint, cur text, ra timestamp)
    ),
    orders AS (
      INSERT INTO "OrderPoints" ("shop", "orderGid", "customerGid", "earned", "earnedPoints", "earnedBase",
                                 "currency", "snapshot", "pendingPoints", "releaseAt", "earnedAt", "updatedAt")
      SELECT ${shop}, o, c, true, p + q, b, cur, d, q, ra, now(), now() FROM input ORDER BY o
      ON CONFLICT ("shop", "orderGid") DO UPDATE SET
        "earned" = true, "earnedPoints" = EXCLUDED."earnedPoints", "earnedBase" = EXCLUDED."earnedBase",
        "currency" = EXCLUDED."currency", "customerGid" = EXCLUDED."customerGid", "snapshot" = EXCLUDED."snapshot",
        "pendingPoints" = EXCLUDED."pendingPoints", "releaseAt" = EXCLUDED."releaseAt", "earnedAt" = now(),
        "updatedAt" = now()
      WHERE NOT "OrderPoints"."earned" AND NOT "OrderPoints"."cancelled"
      RETURNING "orderGid"
    ),
    earning AS (SELECT input.* FROM input JOIN orders ON orders."orderGid" = input.o),
    members AS (
      INSERT INTO "Member" ("id", "shop", "customerGid", "points", "pendingPoints", "lastActivityAt", "updatedAt")
      SELECT gen_random_uuid(), ${shop}, c, sum(p), sum(q), now(), now() FROM earning GROUP BY c ORDER BY c
      ON CONFLICT ("shop", "customerGid") DO UPDATE SET
        "points" = "Member"."points" + EXCLUDED."points",
        "pendingPoints" = "Member"."pendingPoints" + EXCLUDED."pendingPoints",
        "lastActivityAt" = now(), "updatedAt" = now()
      RETURNING "id", "customerGid", "pointsOwed"
    ),
    entries AS (
      INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "pendingPoints", "reason", "source",
                                 "idempotencyKey", "details")
      SELECT ${shop}, members."id", 'EARN', p, q, r, o, k, d FROM earning JOIN members ON members."customerGid" = earning.c
      ORDER BY k
      ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
      RETURNING "id", "idempotencyKey"
    )
    SELECT COALESCE(json_agg(json_build_array(
             input.o, input.c, input.k, entries."id"::text, members."id"::text, orders."orderGid" IS NOT NULL,
             members."pointsOwed" > 0)), '[]')::text
           AS "result"
    FROM input
    LEFT JOIN orders ON orders."orderGid" = input.o
    LEFT JOIN entries ON entries."idempotencyKey" = input.k
    LEFT JOIN members ON members."customerGid" = input.c`;

  const notEarned: string[] = [];
  const outcome = JSON.parse(result) as Array<
    [
      orderGid: string,
      customerGid: string,
      key: string,
      entryId: string | null,
      memberId: string | null,
      earned: boolean,
      owes: boolean | null,
    ]
  >;
  for (const [orderGid, customerGid, key, entryId, memberId, earned, owes] of outcome) {
    if (earned && entryId === null) {
      // The order's row said it had not earned, yet its key exists: the
      // balances were just credited for it. Roll back rather than pay twice.
      throw new Error(`ledger inconsistency: ${key} exists but its order was not marked earned`);
    }
    if (entryId !== null) posted.entries.set(key, BigInt(entryId));
    else notEarned.push(orderGid);
    if (memberId) posted.memberOf.set(customerGid, memberId);
    if (memberId && owes) posted.owing.add(memberId);
  }
  if (notEarned.length > 0) {
    const cancelled = await tx.orderPoints.findMany({
      where: { shop, orderGid: { in: notEarned }, cancelled: true },
      select: { orderGid: true },
    });
    for (const { orderGid } of cancelled) posted.cancelled.add(orderGid);
  }
  return posted;
}

/**
 * Takes back the share of any refund that arrived before the earn, and
 * recovers what members owe from points that are spendable at once. Pending
 * points repay debts when they are released.
 */
async function afterEarning(tx: Tx, shop: string, earnings: Earning[], posted: Posted): Promise<void> {
  const earned = earnings.filter((e) => posted.entries.has(e.key));
  if (earned.length === 0) return;
  // A statement of its own, not part of the batch's: a refund committed
  // while the batch waited for its order's lock is visible only to a later
  // statement.
  const refunded = await tx.$queryRaw<Array<{ orderGid: string }>>`
    SELECT DISTINCT "orderGid" FROM "OrderRefund"
    WHERE "shop" = ${shop} AND "orderGid" = ANY(${earned.map((e) => e.source)}::text[])`;
  for (const { orderGid } of refunded)
    await settleReversals(tx, shop, orderGid, "Refund received before the order earned");
  await recoverOwed(
    tx,
    shop,
    earned
      .map((e) => ({ memberId: posted.memberOf.get(e.customerGid)!, key: e.key, points: e.points, e }))
      .filter(({ memberId, e }) => e.releaseAt === null && posted.owing.has(memberId)),
  );
}
