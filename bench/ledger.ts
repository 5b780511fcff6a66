import type pg from "pg";
import { orderGid, OrderSource } from "./orders";

const POLL_MS = 100;

export interface Drain {
  /** When the last recorded delivery of the shop was settled (ms epoch, to within POLL_MS). */
  doneAt: number;
  /** The most deliveries seen waiting for the worker at once. */
  peakBacklog: number;
}

/** Deliveries the shop received that the worker has not settled yet. */
async function backlog(pool: pg.Pool, shop: string): Promise<number> {
  const { rows } = await pool.query<{ pending: string }>(
    `SELECT count(*) AS pending FROM "WebhookDelivery" WHERE "shop" = $1 AND "status" = 'PENDING'`,
    [shop],
  );
  return Number(rows[0]!.pending);
}

/** Samples the worker's backlog until `done` resolves, so a run can say how far the worker fell behind. */
export function watchBacklog(pool: pg.Pool, shop: string, everyMs = 500): { stop: () => Promise<number> } {
  let peak = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      peak = Math.max(peak, await backlog(pool, shop));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return peak;
    },
  };
}

/** Waits until the worker has settled every delivery the shop received. */
export async function waitForDrain(pool: pg.Pool, shop: string, timeoutMs: number): Promise<Drain> {
  const deadline = Date.now() + timeoutMs;
  let peakBacklog = 0;
  for (;;) {
    const pending = await backlog(pool, shop);
    if (pending === 0) return { doneAt: Date.now(), peakBacklog };
    peakBacklog = Math.max(peakBacklog, pending);
    if (Date.now() > deadline)
      throw new Error(`${pending} deliveries still pending after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface LedgerCheck {
  entries: number;
  accepted: number;
  /** Orders sent whose answer never came because the load stopped: the app may still have taken them. */
  unanswered: number;
  deliveries: number;
  notProcessed: number;
  duplicates: number;
  missing: number;
  ledgerPoints: number;
  memberPoints: number;
  expectedPointsAtLeast: number;
  ok: boolean;
  problems: string[];
}

/**
 * The exactly-once invariants after a run: every accepted order has exactly
 * one entry, nothing else was posted beyond the orders still in flight when
 * the load stopped, and the members' balances add up to the ledger.
 */
export async function checkLedger(
  pool: pg.Pool,
  shop: string,
  sent: number,
  accepted: number[],
): Promise<LedgerCheck> {
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT
       (SELECT count(*) FROM "LedgerEntry" WHERE "shop" = $1) AS entries,
       (SELECT count(DISTINCT "source") FROM "LedgerEntry" WHERE "shop" = $1) AS orders,
       (SELECT coalesce(sum("points"), 0) FROM "LedgerEntry" WHERE "shop" = $1) AS ledger_points,
       (SELECT coalesce(sum("points"), 0) FROM "Member" WHERE "shop" = $1) AS member_points,
       (SELECT count(*) FROM "WebhookDelivery" WHERE "shop" = $1) AS deliveries,
       (SELECT count(*) FROM "WebhookDelivery" WHERE "shop" = $1 AND "status" <> 'PROCESSED') AS not_processed,
       (SELECT count(*) FROM unnest($2::text[]) AS k(source)
         WHERE NOT EXISTS (SELECT 1 FROM "LedgerEntry" e WHERE e."shop" = $1 AND e."source" = k.source)) AS missing`,
    [shop, accepted.map(orderGid)],
  );
  const row = rows[0]!;
  const n = (key: string) => Number(row[key]);
  const unanswered = sent - accepted.length;
  const check = {
    entries: n("entries"),
    accepted: accepted.length,
    unanswered,
    deliveries: n("deliveries"),
    notProcessed: n("not_processed"),
    duplicates: n("entries") - n("orders"),
    missing: n("missing"),
    ledgerPoints: n("ledger_points"),
    memberPoints: n("member_points"),
    expectedPointsAtLeast: accepted.reduce((sum, id) => sum + OrderSource.pointsFor(id), 0),
  };
  const problems = [
    check.missing > 0 && `${check.missing} accepted orders have no ledger entry`,
    check.duplicates > 0 && `${check.duplicates} orders have more than one entry`,
    check.entries < check.accepted && `${check.entries} entries for ${check.accepted} accepted orders`,
    check.entries > check.accepted + unanswered &&
      `${check.entries - check.accepted} entries beyond the accepted orders, only ${unanswered} were in flight`,
    check.entries !== check.deliveries &&
      `${check.deliveries} deliveries recorded but ${check.entries} entries posted`,
    check.notProcessed > 0 && `${check.notProcessed} deliveries not PROCESSED`,
    check.ledgerPoints !== check.memberPoints &&
      `ledger holds ${check.ledgerPoints} points, balances ${check.memberPoints}`,
    check.ledgerPoints < check.expectedPointsAtLeast &&
      `ledger holds ${check.ledgerPoints} points, accepted orders earn ${check.expectedPointsAtLeast}`,
  ].filter((problem): problem is string => typeof problem === "string");
  return { ...check, ok: problems.length === 0, problems };
}
