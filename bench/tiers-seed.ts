// What the tier benchmarks start from: a tier program as a merchant submits
// it, and members with ledger entries written set-based in SQL, so seeding
// 100,000 members takes seconds and is not what is measured.
import type pg from "pg";

/** Bronze to Platinum on lifetime points earned; every member qualifies for one. */
export const TIERS = [
  { name: "Bronze", threshold: 0 },
  { name: "Silver", threshold: 500 },
  { name: "Gold", threshold: 2_000 },
  { name: "Platinum", threshold: 5_000 },
] as const;

export const TAG_PREFIX = "VIP: ";

// The shape of test/factories/tiers.ts (tierProgramInput, tierInput), copied
// so the benchmark's processes do not import the test tree.
export const tierProgramInput = () => ({
  metric: "POINTS_EARNED",
  window: "LIFETIME",
  graceDays: 0,
  tagPrefix: TAG_PREFIX,
  tiers: TIERS.map((tier) => ({
    name: tier.name,
    threshold: String(tier.threshold),
    multiplier: "1",
    earlyAccess: false,
    perks: "",
  })),
});

export function tierOf(points: number): string {
  return TIERS.filter((tier) => points >= tier.threshold).at(-1)!.name;
}

/**
 * One member per customer id, each with an EARN and a BONUS entry and a
 * balance equal to their sum (3 to 7,002 points, spread over all four
 * tiers). The marks the balance trigger sets on insert are cleared: the
 * seeded state counts as recalculated and synced, and each benchmark sets
 * the marks it needs. ANALYZE, as autovacuum would before a shop this size
 * is recalculated, so the planner knows the tables' sizes.
 */
export async function seedMembers(
  pool: pg.Pool,
  shop: string,
  customerGids: readonly string[],
): Promise<void> {
  await pool.query(
    `WITH src AS (
       SELECT gid, 3 + ((i * 7919) % 7000)::int AS points
       FROM unnest($2::text[]) WITH ORDINALITY AS t(gid, i)
     ), members AS (
       INSERT INTO "Member" ("id", "shop", "customerGid", "points", "updatedAt")
       SELECT gen_random_uuid(), $1, gid, points, now() FROM src
       RETURNING "id", "customerGid", "points"
     )
     INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "reason", "source", "idempotencyKey")
     SELECT $1, m."id", k.kind::"LedgerKind", k.points, k.reason, 'benchmark',
            'bench:' || k.kind || ':' || m."customerGid"
     FROM members m CROSS JOIN LATERAL (VALUES
       ('EARN', m."points" - m."points" / 3, 'Seeded order'),
       ('BONUS', m."points" / 3, 'Seeded bonus')) AS k(kind, points, reason)`,
    [shop, customerGids],
  );
  await clearMarks(pool, shop);
  await pool.query(`ANALYZE "Member"`);
  await pool.query(`ANALYZE "LedgerEntry"`);
}

/** Clears both marks; the balance trigger sets them only when a balance or the tier moves, so this sets none. */
export async function clearMarks(pool: pg.Pool, shop: string): Promise<void> {
  await pool.query(
    `UPDATE "Member" SET "tierDirtyAt" = NULL, "shopifyDirtyAt" = NULL
     WHERE "shop" = $1 AND ("tierDirtyAt" IS NOT NULL OR "shopifyDirtyAt" IS NOT NULL)`,
    [shop],
  );
}

/** Members of the shop whose tier is not the one their ledger says, or who have none. */
export async function wrongTiers(pool: pg.Pool, shop: string): Promise<number> {
  const { rows } = await pool.query<{ wrong: string }>(
    `WITH v AS (
       SELECT "memberId" AS id, SUM("points" + "pendingPoints") AS v FROM "LedgerEntry"
       WHERE "shop" = $1 AND "kind" IN ('EARN', 'BONUS', 'REVERSAL') GROUP BY 1
     )
     SELECT count(*) AS wrong FROM "Member" m LEFT JOIN v ON v.id = m."id"
     WHERE m."shop" = $1 AND m."tierId" IS DISTINCT FROM (
       SELECT t."id" FROM "Tier" t WHERE t."shop" = $1 AND t."threshold" <= COALESCE(v.v, 0)
       ORDER BY t."threshold" DESC LIMIT 1)`,
    [shop],
  );
  return Number(rows[0]!.wrong);
}

/** Σ entries = Σ balances for the shop: the ledger's invariant, checked after every benchmark. */
export async function balancesMatch(pool: pg.Pool, shop: string): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>(
    `SELECT (SELECT COALESCE(SUM("points" + "pendingPoints"), 0) FROM "LedgerEntry" WHERE "shop" = $1)
          = (SELECT COALESCE(SUM("points" + "pendingPoints"), 0) FROM "Member" WHERE "shop" = $1) AS ok`,
    [shop],
  );
  return rows[0]!.ok;
}
