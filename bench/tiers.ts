// The VIP tier benchmarks: a whole shop recalculated, a ledger change carried
// through to Shopify, and a shop's Shopify copy brought back after Redis
// lost its queues. Each runs on one fresh migrated database, the app's side in
// a process of its own (bench/tiers-*-child.ts), and each is read against a
// baseline measured in the same run.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { migrateDeploy } from "../scripts/db/migrate-deploy";
import { onCleanup } from "./cleanup";
import type { BenchConfig } from "./config";
import { bin, repoRoot } from "./paths";
import { scratchDatabase } from "./postgres";
import { startChild } from "./processes";
import { installShop } from "./shop";
import type { RecalcChildResult } from "./tiers-recalc-child";
import { balancesMatch, seedMembers, wrongTiers } from "./tiers-seed";
import type { FlushResult, IncrementalResult } from "./tiers-sync-child";

export interface TiersResult {
  recalc: RecalcChildResult & {
    members: number;
    /** One set-based UPDATE computing every member's metric and tier. */
    baseline: { members: number; seconds: number };
  };
  incremental: IncrementalResult;
  flush: FlushResult;
  /** Members left on the wrong tier, and whether Σ entries = Σ balances, per shop. */
  check: { wrongTiers: number; balances: boolean; ok: boolean };
}

const POLL_MS = 100;
// Only a bound on a hung run: far beyond any plausible figure.
const CONVERGE_TIMEOUT_MS = 15 * 60_000;
const CHILD_TIMEOUT_MS = 40 * 60_000;

async function runChild<T>(script: string, env: NodeJS.ProcessEnv): Promise<T> {
  const logDir = await mkdtemp(join(tmpdir(), "tally-tiers-"));
  const resultPath = join(logDir, "result.json");
  const child = startChild("tiers", bin("tsx"), [script], { ...env, TIERS_RESULT: resultPath }, logDir);
  const deadline = Date.now() + CHILD_TIMEOUT_MS;
  while (child.exitCode() === null) {
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${script} did not finish in time (log ${child.logPath}):\n${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (child.exitCode() !== 0)
    throw new Error(`${script} failed (${child.exitCode()}, log ${child.logPath}):\n${child.tail()}`);
  const result = JSON.parse(await readFile(resultPath, "utf8")) as T;
  if (process.env.BENCH_KEEP_LOGS) console.log(`[bench] ${script} log kept in ${child.logPath}`);
  else await rm(logDir, { recursive: true, force: true });
  return result;
}

/** The baseline of the recalculation: the same read and write as one plain statement. */
async function setBasedUpdate(pool: pg.Pool, shop: string): Promise<{ members: number; seconds: number }> {
  const started = performance.now();
  const { rowCount } = await pool.query(
    `UPDATE "Member" m SET "tierValue" = a.v, "tierId" = (
       SELECT t."id" FROM "Tier" t WHERE t."shop" = $1 AND t."threshold" <= a.v
       ORDER BY t."threshold" DESC LIMIT 1)
     FROM (SELECT "memberId", SUM("points" + "pendingPoints") AS v FROM "LedgerEntry"
           WHERE "shop" = $1 AND "kind" IN ('EARN', 'BONUS', 'REVERSAL') GROUP BY 1) a
     WHERE m."id" = a."memberId"`,
    [shop],
  );
  return { members: rowCount ?? 0, seconds: (performance.now() - started) / 1000 };
}

export async function runTiers(config: BenchConfig, log: (line: string) => void): Promise<TiersResult> {
  const redisUrl = `${config.redisUrl}/${config.tierRedisDb}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const closeRedis = onCleanup("close the tier benchmarks' Redis", async () => {
    await redis.flushdb().catch(() => {});
    redis.disconnect();
  });
  const db = await scratchDatabase(config.adminUrl, "tally_tiers");
  try {
    if ((await redis.dbsize()) > 0)
      throw new Error(`Redis ${redisUrl} is not empty; set BENCH_TIER_REDIS_DB to a database nobody uses`);
    await migrateDeploy({ databaseUrl: db.url, log: () => {} });
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
        // What the worker runs with (bench/app.ts).
        NODE_ENV: "production",
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        SHOPIFY_API_KEY: "bench-api-key",
        SHOPIFY_API_SECRET: randomBytes(16).toString("hex"),
        SHOPIFY_APP_URL: "http://127.0.0.1:9",
        SCOPES: "read_orders,read_customers,write_customers",
        RECONCILE_EVERY_MINUTES: "0",
        TIERS_TIMEOUT_MS: String(CONVERGE_TIMEOUT_MS),
      };
      const queue = () => ({ TALLY_QUEUE_PREFIX: `tally_tiers_${randomBytes(4).toString("hex")}` });
      const shops: string[] = [];
      const install = async (label: string) => {
        const shop = await installShop(pool, label);
        shops.push(shop);
        return shop;
      };

      log(`tiers: seeding ${config.tierMembers.toLocaleString("en-US")} members for the recalculation…`);
      const recalcShop = await install("tiers-recalc");
      const warmUpShop = await install("tiers-warmup");
      const gids = (count: number, from: number) =>
        Array.from({ length: count }, (_, i) => `gid://shopify/Customer/${from + i}`);
      await seedMembers(pool, recalcShop, gids(config.tierMembers, 1));
      await seedMembers(pool, warmUpShop, gids(Math.max(1_000, config.tierMembers / 20), 1));
      log("tiers: full-shop recalculation…");
      const path = await runChild<RecalcChildResult>("bench/tiers-recalc-child.ts", {
        ...env,
        ...queue(),
        TIERS_SHOP: recalcShop,
        TIERS_WARMUP_SHOP: warmUpShop,
      });
      log(`tiers: recalculation ${JSON.stringify(path)}`);
      await redis.flushdb();
      const wrongAfterPath = await wrongTiers(pool, recalcShop);
      await setBasedUpdate(pool, warmUpShop);
      const baseline = await setBasedUpdate(pool, recalcShop);
      log(`tiers: set-based UPDATE ${JSON.stringify(baseline)}`);

      log(`tiers: incremental sync, ${config.tierMoved} of ${config.tierSyncMembers} members up a tier…`);
      const incremental = await runChild<IncrementalResult>("bench/tiers-sync-child.ts", {
        ...env,
        ...queue(),
        TIERS_MODE: "incremental",
        TIERS_SHOP: await install("tiers-sync"),
        TIERS_BASELINE_SHOP: await install("tiers-direct"),
        TIERS_MEMBERS: String(config.tierSyncMembers),
        TIERS_MOVED: String(config.tierMoved),
      });
      log(`tiers: incremental ${JSON.stringify(incremental)}`);
      await redis.flushdb();

      log(
        `tiers: ${config.tierFlushMembers} members' Shopify copy brought back, then again with Redis flushed…`,
      );
      const flush = await runChild<FlushResult>("bench/tiers-sync-child.ts", {
        ...env,
        ...queue(),
        TIERS_MODE: "flush",
        TIERS_SHOP: await install("tiers-flushed"),
        TIERS_BASELINE_SHOP: await install("tiers-unflushed"),
        TIERS_WARMUP_SHOP: await install("tiers-sync-warmup"),
        TIERS_MEMBERS: String(config.tierFlushMembers),
        TIERS_FLUSH_AT_PERCENT: String(config.tierFlushAtPercent),
      });

      let wrong = wrongAfterPath;
      let balances = true;
      for (const shop of shops) {
        wrong += await wrongTiers(pool, shop);
        balances &&= await balancesMatch(pool, shop);
      }
      return {
        recalc: { ...path, members: config.tierMembers, baseline },
        incremental,
        flush,
        check: { wrongTiers: wrong, balances, ok: wrong === 0 && balances },
      };
    } finally {
      await pool.end();
    }
  } finally {
    await closeRedis();
    await db.drop();
  }
}
