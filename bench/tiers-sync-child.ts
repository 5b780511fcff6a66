// The app side of the two Shopify sync benchmarks, run by bench/tiers.ts in a
// process of its own (env set by the parent before the app's modules load):
// the Shopify stand-in and the app's workers run here, in one process, so
// the stand-in's answers cost no network. TIERS_MODE picks the benchmark:
// "incremental" (a ledger change moves members up a tier; time until Tally
// and Shopify both show it) or "flush" (a whole shop's Shopify copy out of
// date; time until it is right again, once undisturbed and once with the
// queues' Redis flushed mid-sync). Figures go to TIERS_RESULT as JSON.
import { writeFile } from "node:fs/promises";
import { Redis } from "ioredis";
import pg from "pg";
import { prisma } from "~/db.server";
import { requestShopifySync } from "~/jobs/sync-queue.server";
import { requestTierRecalculation } from "~/jobs/tier-queue.server";
import { startWorkers } from "~/jobs/worker.server";
import { markAllForSync } from "~/models/shopify-sync.server";
import { saveTierProgram } from "~/models/tier-program.server";
import type { ShopifyStandIn } from "../test/mocks/shopify/stand-in";
import { writeDirectly, type DirectWrite } from "./tiers-direct";
import { clearMarks, seedMembers, TAG_PREFIX, TIERS, tierProgramInput } from "./tiers-seed";
import { startStandIn, wrongInShopify, type Expected } from "./tiers-standin";
import { needEnv, runChild } from "./child";

export interface IncrementalResult {
  members: number;
  moved: number;
  /** The first sync of the whole shop, before the change (context, not a target). */
  initialSyncSeconds: number;
  seconds: number;
  baseline: { seconds: number; documents: number };
}

export interface FlushResult {
  members: number;
  baselineSeconds: number;
  flushedSeconds: number;
  /** When Redis was flushed, from the start, and how many members were already clean then. */
  flushAtSeconds: number;
  cleanAtFlush: number;
  /** Sync requests the sweeper made, and sync attempts refused because the lease was held, after the flush. */
  sweeperRequests: number;
  leaseRetries: number;
}

// Each poll counts the shop's marks (a scan of its members): at 100,000
// members a tighter poll takes a good part of a core from the app it times.
const POLL_MS = 250;

const need = (name: string) => needEnv(name, "bench/tiers.ts");

const pool = new pg.Pool({ connectionString: need("DATABASE_URL"), max: 2 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The shop in the stand-in and in Tally, connected by an offline token, with `members` customers and members. */
async function connectShop(standIn: ShopifyStandIn, shop: string, members: number): Promise<string> {
  standIn.addShop({ domain: shop, currencyCode: "USD" });
  const token = standIn.issueToken(shop, { kind: "offline", expiring: false });
  await pool.query(`UPDATE "Session" SET "accessToken" = $2, "scope" = $3 WHERE "id" = 'offline_' || $1`, [
    shop,
    token.token,
    token.scope,
  ]);
  const gids = Array.from({ length: members }, () => standIn.addCustomer(shop));
  await seedMembers(pool, shop, gids);
  const saved = await saveTierProgram(shop, tierProgramInput());
  if (!saved.ok) throw new Error(`the tier program was refused: ${JSON.stringify(saved.fieldErrors)}`);
  return token.token;
}

async function expectedOf(shop: string): Promise<Expected[]> {
  const { rows } = await pool.query<Expected>(
    `SELECT m."customerGid", t."name" AS tier, m."points" FROM "Member" m JOIN "Tier" t ON t."id" = m."tierId"
     WHERE m."shop" = $1`,
    [shop],
  );
  return rows;
}

async function marks(shop: string): Promise<{ tier: number; shopify: number }> {
  const { rows } = await pool.query<{ tier: string; shopify: string }>(
    `SELECT count(*) FILTER (WHERE "tierDirtyAt" IS NOT NULL) AS tier,
            count(*) FILTER (WHERE "shopifyDirtyAt" IS NOT NULL) AS shopify
     FROM "Member" WHERE "shop" = $1`,
    [shop],
  );
  return { tier: Number(rows[0]!.tier), shopify: Number(rows[0]!.shopify) };
}

/**
 * Waits until no member is marked and Shopify shows every member as Tally
 * does; seconds since `since`. `expected` is read once the marks are gone:
 * the tiers are Tally's by then. Polling is a query every 50 ms, and the
 * stand-in is checked only when the marks say it should be right.
 */
async function converged(standIn: ShopifyStandIn, shop: string, since: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await marks(shop);
    if (left.tier === 0 && left.shopify === 0) {
      const seconds = (performance.now() - since) / 1000;
      const wrong = wrongInShopify(standIn, shop, await expectedOf(shop));
      if (wrong === 0) return seconds;
      if (Date.now() > deadline)
        throw new Error(`${shop}: no marks left, yet ${wrong} customers wrong in Shopify`);
    } else if (Date.now() > deadline) {
      throw new Error(
        `${shop} did not converge in time: ${left.tier} tier and ${left.shopify} Shopify marks left`,
      );
    }
    await sleep(POLL_MS);
  }
}

/**
 * A BONUS entry for `count` members below the top tier, each exactly enough
 * to reach the next tier, and their balances moved, in one transaction: the
 * balance trigger marks each member's tier and Shopify copy.
 */
async function bonusUpATier(shop: string, count: number): Promise<number> {
  const next = TIERS.slice(1)
    .map((t) => `WHEN m."tierValue" < ${t.threshold} THEN ${t.threshold}`)
    .join(" ");
  const { rowCount } = await pool.query(
    `WITH picked AS (
       SELECT m."id", m."customerGid", (CASE ${next} END - m."tierValue")::int AS bonus
       FROM "Member" m WHERE m."shop" = $1 AND m."tierValue" < ${TIERS.at(-1)!.threshold}
       ORDER BY m."customerGid" LIMIT $2
     ), entries AS (
       INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "reason", "source", "idempotencyKey")
       SELECT $1, "id", 'BONUS', bonus, 'Benchmark bonus: up a tier', 'benchmark', 'bench:up:' || "customerGid"
       FROM picked
     )
     UPDATE "Member" m SET "points" = m."points" + p.bonus, "lastActivityAt" = now()
     FROM picked p WHERE m."id" = p."id"`,
    [shop, count],
  );
  return rowCount ?? 0;
}

/** The same shop state in another stand-in shop with no Tally behind it, for the direct writes. */
function mirrorShop(standIn: ShopifyStandIn, shop: string, before: readonly Expected[]): Map<string, string> {
  standIn.addShop({ domain: shop, currencyCode: "USD" });
  const gids = new Map<string, string>();
  for (const member of before) {
    const gid = standIn.addCustomer(shop, {
      tags: [`${TAG_PREFIX}${member.tier}`],
      metafields: [
        { namespace: "$app:tally", key: "tier", type: "single_line_text_field", value: member.tier },
        {
          namespace: "$app:tally",
          key: "points_balance",
          type: "number_integer",
          value: String(member.points),
        },
      ],
    });
    gids.set(member.customerGid, gid);
  }
  return gids;
}

async function incremental(standIn: ShopifyStandIn, timeoutMs: number): Promise<IncrementalResult> {
  const shop = need("TIERS_SHOP");
  const members = Number(need("TIERS_MEMBERS"));
  const moved = Number(need("TIERS_MOVED"));
  await connectShop(standIn, shop, members);
  const initialSyncSeconds = await converged(standIn, shop, performance.now(), timeoutMs);
  const before = await expectedOf(shop);

  const started = performance.now();
  const bonuses = await bonusUpATier(shop, moved);
  if (bonuses !== moved) throw new Error(`only ${bonuses} of ${moved} members are below the top tier`);
  await requestTierRecalculation(shop);
  const seconds = await converged(standIn, shop, started, timeoutMs);

  const mirror = need("TIERS_BASELINE_SHOP");
  const gids = mirrorShop(standIn, mirror, before);
  const after = new Map((await expectedOf(shop)).map((m) => [m.customerGid, m]));
  const writes: DirectWrite[] = before.flatMap((old) => {
    const now = after.get(old.customerGid)!;
    if (now.tier === old.tier) return [];
    return [
      {
        customerGid: gids.get(old.customerGid)!,
        oldTag: `${TAG_PREFIX}${old.tier}`,
        newTag: `${TAG_PREFIX}${now.tier}`,
        tier: now.tier,
        points: now.points,
      },
    ];
  });
  if (writes.length !== moved)
    throw new Error(`${writes.length} members moved tier, ${moved} were given a bonus`);
  const token = standIn.issueToken(mirror, { kind: "offline", expiring: false }).token;
  const directStarted = performance.now();
  const documents = await writeDirectly(mirror, token, writes);
  const baselineSeconds = (performance.now() - directStarted) / 1000;
  const wrong = wrongInShopify(
    standIn,
    mirror,
    writes.map((w) => ({ customerGid: w.customerGid, tier: w.tier, points: w.points })),
  );
  if (wrong > 0) throw new Error(`the direct writes left ${wrong} customers wrong`);
  return { members, moved, initialSyncSeconds, seconds, baseline: { seconds: baselineSeconds, documents } };
}

/** Counts the workers' log lines that show the sweeper re-queueing and syncs waiting for the lease. */
function countLogs() {
  const counts = { sweeperRequests: 0, leaseRetries: 0 };
  const info = console.info.bind(console);
  const error = console.error.bind(console);
  console.info = (...args: unknown[]) => {
    if (String(args[0]).includes("asked for a Shopify sync")) counts.sweeperRequests++;
    info(...args);
  };
  console.error = (...args: unknown[]) => {
    if (String(args[0]).includes("another worker is syncing")) counts.leaseRetries++;
    error(...args);
  };
  return counts;
}

async function flush(standIn: ShopifyStandIn, redis: Redis, timeoutMs: number): Promise<FlushResult> {
  const members = Number(need("TIERS_MEMBERS"));
  const flushAt = Math.ceil((members * Number(need("TIERS_FLUSH_AT_PERCENT"))) / 100);
  const warmUp = need("TIERS_WARMUP_SHOP");
  const shops = { baseline: need("TIERS_BASELINE_SHOP"), flushed: need("TIERS_SHOP") };
  // The shops are seeded, and their programs saved, before the workers start;
  // their marks and the syncs saveTierProgram queued are then dropped, so
  // each run below starts from its own markAllForSync.
  await connectShop(standIn, warmUp, Math.min(members, 2_000));
  for (const shop of Object.values(shops)) {
    await connectShop(standIn, shop, members);
    await clearMarks(pool, shop);
  }
  await redis.flushdb();
  await requestShopifySync(warmUp);
  const run = async (shop: string) => {
    await markAllForSync(shop);
    await requestShopifySync(shop);
  };

  const counts = countLogs();
  const workers = startWorkers(WORKER_OPTIONS);
  try {
    // JIT and the connections warm up on a small shop, so the baseline, which runs first, is not slower for it.
    await converged(standIn, warmUp, performance.now(), timeoutMs);
    let started = performance.now();
    await run(shops.baseline);
    const baselineSeconds = await converged(standIn, shops.baseline, started, timeoutMs);

    started = performance.now();
    await run(shops.flushed);
    let clean = 0;
    while (clean < flushAt) {
      await sleep(POLL_MS);
      clean = members - (await marks(shops.flushed)).shopify;
    }
    await redis.flushdb();
    const flushAtSeconds = (performance.now() - started) / 1000;
    const before = { ...counts };
    const flushedSeconds = await converged(standIn, shops.flushed, started, timeoutMs);
    return {
      members,
      baselineSeconds,
      flushedSeconds,
      flushAtSeconds,
      cleanAtFlush: clean,
      sweeperRequests: counts.sweeperRequests - before.sweeperRequests,
      leaseRetries: counts.leaseRetries - before.leaseRetries,
    };
  } finally {
    await workers.close();
  }
}

// As the brief for these benchmarks fixes them: a sweep every half second
// that trusts a mark for one second, no reconciliation, no scheduled run.
const WORKER_OPTIONS = {
  concurrency: 4,
  sweepEveryMs: 500,
  sweepGraceMs: 1_000,
  reconcileEveryMs: 0,
  scheduleEveryMs: 3_600_000,
};

/** The queues' Redis database must hold nothing but this run's keys: it is flushed. */
async function ownRedis(): Promise<Redis> {
  const redis = new Redis(need("REDIS_URL"), { maxRetriesPerRequest: 1 });
  const size = await redis.dbsize();
  if (size > 0) {
    redis.disconnect();
    throw new Error(
      `Redis ${need("REDIS_URL")} holds ${size} keys; the tier benchmarks flush it, so it must be empty`,
    );
  }
  return redis;
}

async function main(): Promise<void> {
  const timeoutMs = Number(need("TIERS_TIMEOUT_MS"));
  const redis = await ownRedis();
  try {
    const standIn = startStandIn(need("SHOPIFY_API_KEY"), need("SHOPIFY_API_SECRET"));
    let result: IncrementalResult | FlushResult;
    if (need("TIERS_MODE") === "incremental") {
      const workers = startWorkers(WORKER_OPTIONS);
      try {
        result = await incremental(standIn, timeoutMs);
      } finally {
        await workers.close();
      }
    } else {
      result = await flush(standIn, redis, timeoutMs);
    }
    await writeFile(need("TIERS_RESULT"), JSON.stringify(result));
  } finally {
    await redis.flushdb().catch(() => {});
    redis.disconnect();
  }
}

runChild(main, async () => {
  await pool.end();
  await prisma.$disconnect();
});
