// The reconciliation backfill benchmark: how fast the app posts a large batch
// of orders it missed, against how fast this database server takes the same
// rows in a plain batched INSERT. Both run on one fresh migrated database,
// one after the other, one transaction per chunk, nothing else running.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrateDeploy } from "../scripts/db/migrate-deploy";
import type { BackfillChildResult } from "./backfill-child";
import { backfillCustomerGid, backfillPoints } from "./backfill-orders";
import type { BenchConfig } from "./config";
import { startCpuMeter } from "./cpu";
import { bin, repoRoot } from "./paths";
import { scratchDatabase } from "./postgres";
import { startChild } from "./processes";
import { installShop } from "./shop";

export interface BackfillCheck {
  earnEntries: number;
  otherEntries: number;
  ordersEarned: number;
  members: number;
  ledgerPoints: number;
  memberPoints: number;
  expectedPoints: number;
  baselineRows: number;
  ok: boolean;
  problems: string[];
}

export interface BackfillResult {
  orders: number;
  customers: number;
  chunk: number;
  path: BackfillChildResult & { entriesPerSecond: number };
  baseline: {
    seconds: number;
    entriesPerSecond: number;
    /** Average bytes of reason and details text per row: the path's own rows, copied. */
    reasonBytes: number;
    detailsBytes: number;
    nodeCpuSeconds: number;
    postgresCpuSeconds: number;
  };
  check: BackfillCheck;
}

const POLL_MS = 100;

/** Runs the app's side in its own process (bench/backfill-child.ts) and waits for its figures. */
async function runChild(
  config: BenchConfig,
  databaseUrl: string,
  shops: { warmUp: string; path: string },
): Promise<BackfillChildResult> {
  const logDir = await mkdtemp(join(tmpdir(), "tally-backfill-"));
  const resultPath = join(logDir, "result.json");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
    // What the worker runs with (bench/app.ts); reconciliation runs in the worker.
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: config.redisUrl,
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: randomBytes(16).toString("hex"),
    SHOPIFY_APP_URL: "http://127.0.0.1:9",
    SCOPES: "read_orders,read_customers",
    BACKFILL_WARMUP_SHOP: shops.warmUp,
    BACKFILL_SHOP: shops.path,
    BACKFILL_ORDERS: String(config.backfillOrders),
    BACKFILL_CUSTOMERS: String(config.backfillCustomers),
    BACKFILL_CHUNK: String(config.backfillChunk),
    BACKFILL_RESULT: resultPath,
  };
  const child = startChild("backfill", bin("tsx"), ["bench/backfill-child.ts"], env, logDir);
  // Far beyond any plausible rate (200 orders/s); only a bound on a hung run.
  const deadline = Date.now() + Math.max(300_000, config.backfillOrders * 5);
  while (child.exitCode() === null) {
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`the backfill did not finish in time:\n${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (child.exitCode() !== 0) throw new Error(`the backfill failed (${child.exitCode()}):\n${child.tail()}`);
  const result = JSON.parse(await readFile(resultPath, "utf8")) as BackfillChildResult;
  await rm(logDir, { recursive: true, force: true });
  return result;
}

async function postgresPids(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR datname IS NULL`,
  );
  return rows.map((row) => row.pid);
}

interface Row {
  member: string;
  points: number;
  pending: number;
  reason: string;
  source: string;
  key: string;
  details: string;
}

/**
 * The baseline: the path's own entries (same reasons, details, keys and
 * customers), inserted into another shop whose members already exist, the
 * same number per transaction, in the cheapest way the server takes them:
 * one INSERT … SELECT FROM unnest(arrays) per chunk, nothing else.
 */
async function batchedInsert(
  pool: pg.Pool,
  from: string,
  to: string,
  chunk: number,
): Promise<BackfillResult["baseline"]> {
  await pool.query(
    `INSERT INTO "Member" ("id", "shop", "customerGid", "updatedAt")
     SELECT gen_random_uuid(), $2, "customerGid", now() FROM "Member" WHERE "shop" = $1`,
    [from, to],
  );
  const { rows } = await pool.query<Row>(
    `SELECT t."id"::text AS member, e."points", e."pendingPoints" AS pending, e."reason", e."source",
            e."idempotencyKey" AS key, e."details"::text AS details
     FROM "LedgerEntry" e
     JOIN "Member" m ON m."id" = e."memberId"
     JOIN "Member" t ON t."shop" = $2 AND t."customerGid" = m."customerGid"
     WHERE e."shop" = $1 AND e."kind" = 'EARN'
     ORDER BY e."id"`,
    [from, to],
  );
  const bytes = (pick: (row: Row) => string) =>
    rows.reduce((sum, row) => sum + Buffer.byteLength(pick(row)), 0) / rows.length;

  const client = await pool.connect();
  try {
    const meter = startCpuMeter();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let start = 0; start < rows.length; start += chunk) {
      const batch = rows.slice(start, start + chunk);
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "pendingPoints", "reason", "source", "idempotencyKey", "details")
         SELECT $1, m::uuid, 'EARN', p, pp, r, s, k, d::jsonb
         FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS t(m, p, pp, r, s, k, d)`,
        [
          to,
          batch.map((row) => row.member),
          batch.map((row) => row.points),
          batch.map((row) => row.pending),
          batch.map((row) => row.reason),
          batch.map((row) => row.source),
          batch.map((row) => row.key),
          batch.map((row) => row.details),
        ],
      );
      await client.query("COMMIT");
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const postgres = meter.stop({ trees: {}, pids: { PostgreSQL: await postgresPids(pool) }, comms: {} });
    return {
      seconds,
      entriesPerSecond: rows.length / seconds,
      reasonBytes: bytes((row) => row.reason),
      detailsBytes: bytes((row) => row.details),
      nodeCpuSeconds: (used.user + used.system) / 1e6,
      postgresCpuSeconds: postgres.find((u) => u.role === "PostgreSQL")!.cpuMs / 1000,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * What the backfill must have left: one EARN entry per order and nothing
 * else, every order marked earned, one member per customer, the points the
 * orders earn under the default rules, and balances that add up to the
 * ledger. The baseline shop must hold exactly as many rows.
 */
async function checkBackfill(
  pool: pg.Pool,
  config: BenchConfig,
  shop: string,
  baselineShop: string,
  earned: number,
): Promise<BackfillCheck> {
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT
       (SELECT count(*) FROM "LedgerEntry" WHERE "shop" = $1 AND "kind" = 'EARN') AS earn_entries,
       (SELECT count(*) FROM "LedgerEntry" WHERE "shop" = $1 AND "kind" <> 'EARN') AS other_entries,
       (SELECT count(*) FROM "OrderPoints" WHERE "shop" = $1 AND "earned") AS orders_earned,
       (SELECT count(*) FROM "Member" WHERE "shop" = $1) AS members,
       (SELECT coalesce(sum("points" + "pendingPoints"), 0) FROM "LedgerEntry" WHERE "shop" = $1) AS ledger_points,
       (SELECT coalesce(sum("points" + "pendingPoints"), 0) FROM "Member" WHERE "shop" = $1) AS member_points,
       (SELECT count(*) FROM "LedgerEntry" WHERE "shop" = $2) AS baseline_rows`,
    [shop, baselineShop],
  );
  const n = (key: string) => Number(rows[0]![key]);
  const orders = config.backfillOrders;
  let expectedPoints = 0;
  const customers = new Set<string>();
  for (let index = 0; index < orders; index++) {
    expectedPoints += backfillPoints(index);
    customers.add(backfillCustomerGid(index, config.backfillCustomers));
  }
  const check = {
    earnEntries: n("earn_entries"),
    otherEntries: n("other_entries"),
    ordersEarned: n("orders_earned"),
    members: n("members"),
    ledgerPoints: n("ledger_points"),
    memberPoints: n("member_points"),
    expectedPoints,
    baselineRows: n("baseline_rows"),
  };
  const problems = [
    earned !== orders && `earnOrders reported ${earned} of ${orders} orders earned`,
    check.earnEntries !== orders && `${check.earnEntries} EARN entries for ${orders} orders`,
    check.otherEntries > 0 && `${check.otherEntries} entries that are not EARN`,
    check.ordersEarned !== orders && `${check.ordersEarned} of ${orders} orders marked earned`,
    check.members !== customers.size && `${check.members} members for ${customers.size} customers`,
    check.ledgerPoints !== check.memberPoints &&
      `ledger holds ${check.ledgerPoints} points, balances ${check.memberPoints}`,
    check.ledgerPoints !== expectedPoints &&
      `ledger holds ${check.ledgerPoints} points, the orders earn ${expectedPoints}`,
    check.baselineRows !== orders && `the baseline inserted ${check.baselineRows} rows for ${orders}`,
  ].filter((problem): problem is string => typeof problem === "string");
  return { ...check, ok: problems.length === 0, problems };
}

export async function runBackfill(config: BenchConfig): Promise<BackfillResult> {
  const db = await scratchDatabase(config.adminUrl, "tally_backfill");
  try {
    await migrateDeploy({ databaseUrl: db.url, log: () => {} });
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const shops = {
        warmUp: await installShop(pool, "backfill-warmup"),
        path: await installShop(pool, "backfill"),
        baseline: await installShop(pool, "baseline"),
      };
      const path = await runChild(config, db.url, shops);
      const baseline = await batchedInsert(pool, shops.path, shops.baseline, config.backfillChunk);
      const check = await checkBackfill(pool, config, shops.path, shops.baseline, path.earned);
      return {
        orders: config.backfillOrders,
        customers: config.backfillCustomers,
        chunk: config.backfillChunk,
        path: { ...path, entriesPerSecond: path.orders / path.seconds },
        baseline,
        check,
      };
    } finally {
      await pool.end();
    }
  } finally {
    // Dropping forces a checkpoint, so what this wrote is not flushed during the next benchmark.
    await db.drop();
  }
}
