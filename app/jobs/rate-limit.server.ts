// How often a storefront may redeem: a token bucket per customer and one per
// shop, held in Redis so every web process shares them, taken by one Lua
// script so a burst cannot slip between a read and a write. Used by
// app/routes/proxy.redeem.ts before anything else is read (ADR 0018).
//
// When Redis does not answer within REDIS_DEADLINE_MS, each process keeps the
// same buckets in memory instead: redeems neither stop nor go unlimited.
import { Redis } from "ioredis";
import { retryAfterSeconds, takeFromAll, type Bucket, type BucketLimits } from "~/domain/token-bucket";
import { getEnv } from "~/env.server";

/**
 * A shopper clicking through the panel redeems a few rewards, one at a time
 * (the button waits for each answer): ten at once and one more every six
 * seconds is far beyond that, and holds a script to ~11 redeems a minute.
 */
export const CUSTOMER_REDEEM_LIMITS: BucketLimits = { capacity: 10, refillEveryMs: 6_000 };

/**
 * Each redeem is one Admin API mutation (10 points) and sometimes a lookup.
 * 30 at once is 300 points, under a third of the smallest bucket Shopify gives
 * a shop (1,000); one a second is 10 points/s, a fifth of the smallest restore
 * rate (50/s), leaving the rest to tier write-back and reconciliation.
 */
export const SHOP_REDEEM_LIMITS: BucketLimits = { capacity: 30, refillEveryMs: 1_000 };

/** Longer than a healthy Redis ever takes on this path (well under 1 ms), short enough not to be felt. */
const REDIS_DEADLINE_MS = 75;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RedeemRateLimiter {
  take(caller: { shop: string; customerGid: string }): Promise<RateDecision>;
}

// takeFromAll in Lua, over KEYS with ARGV = now, cost, then capacity and
// refillEveryMs per key. A key holds its bucket's full-again moment and
// expires when the bucket is full, so idle customers cost Redis nothing.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local nexts = {}
local retry = 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[1 + 2 * i])
  local every = tonumber(ARGV[2 + 2 * i])
  local current = tonumber(redis.call('GET', key) or now)
  local next = math.max(current, now) + cost * every
  local over = next - now - capacity * every
  if over > retry then retry = over end
  nexts[i] = next
end
if retry > 0 then return {0, retry} end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%d', nexts[i]), 'PX', string.format('%d', nexts[i] - now))
end
return {1, 0}
`;

export interface RedeemRateLimiterOptions {
  redis: Redis;
  /** Key prefix, TALLY_QUEUE_PREFIX by default, so a test run's keys are its own. */
  prefix?: string;
  now?: () => number;
  customerLimits?: BucketLimits;
  shopLimits?: BucketLimits;
  deadlineMs?: number;
}

export function createRedeemRateLimiter(options: RedeemRateLimiterOptions): RedeemRateLimiter {
  const {
    redis,
    prefix = getEnv().TALLY_QUEUE_PREFIX,
    now = Date.now,
    customerLimits = CUSTOMER_REDEEM_LIMITS,
    shopLimits = SHOP_REDEEM_LIMITS,
    deadlineMs = REDIS_DEADLINE_MS,
  } = options;
  const inMemory = memoryBuckets();
  return {
    async take({ shop, customerGid }) {
      const keys = [
        `${prefix}:redeem-limit:customer:${shop}:${customerGid}`,
        `${prefix}:redeem-limit:shop:${shop}`,
      ];
      const limits = [customerLimits, shopLimits];
      const at = now();
      try {
        const args = [at, 1, ...limits.flatMap((l) => [l.capacity, l.refillEveryMs])];
        const [allowed, retryMs] = (await withDeadline(
          connected(redis).then(() => redis.eval(TAKE_SCRIPT, keys.length, ...keys, ...args)),
          deadlineMs,
        )) as [number, number];
        noteRedis(true, at);
        return allowed === 1
          ? { allowed: true }
          : { allowed: false, retryAfterSeconds: retryAfterSeconds(retryMs) };
      } catch (error) {
        noteRedis(false, at, error);
        return inMemory.take(keys, limits, at);
      }
    },
  };
}

/** The same buckets in this process's memory, for while Redis is away. */
function memoryBuckets() {
  const fullAt = new Map<string, number>();
  return {
    take(keys: string[], limits: BucketLimits[], at: number): RateDecision {
      if (fullAt.size > MEMORY_BUCKETS_MAX) forgetFull(fullAt, at);
      const buckets: Bucket[] = keys.map((key, i) => ({
        limits: limits[i]!,
        fullAt: fullAt.get(key) ?? null,
      }));
      const taken = takeFromAll(buckets, at);
      if (!taken.allowed) return { allowed: false, retryAfterSeconds: retryAfterSeconds(taken.retryAfterMs) };
      keys.forEach((key, i) => fullAt.set(key, taken.fullAt[i]!));
      return { allowed: true };
    },
  };
}

// Only signed callers get a bucket, so the map grows with real shoppers;
// a bucket that is full again is the same as none, and is dropped.
const MEMORY_BUCKETS_MAX = 10_000;

function forgetFull(fullAt: Map<string, number>, at: number): void {
  for (const [key, moment] of fullAt) if (moment <= at) fullAt.delete(key);
}

// A first connection still being made is waited for (within the deadline),
// so a process's first redeems after start are not limited in memory; a
// Redis that refused and is between retries is not. One wait per client,
// however many requests share it.
const connecting = new WeakMap<Redis, Promise<void>>();

function connected(redis: Redis): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  if (redis.status === "wait") void redis.connect().catch(() => {});
  else if (redis.status !== "connecting" && redis.status !== "connect") {
    return Promise.reject(new Error(`Redis is ${redis.status}`));
  }
  let wait = connecting.get(redis);
  if (!wait) {
    wait = new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        redis.off("ready", onReady);
        redis.off("close", onClose);
        connecting.delete(redis);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      const onClose = () => settle(new Error("Redis closed the connection"));
      redis.on("ready", onReady);
      redis.on("close", onClose);
    });
    connecting.set(redis, wait);
  }
  return wait;
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// The operator hears that Redis went away, at most once a minute while it
// stays away, and once when it is back: a dead Redis under a flood of redeems
// must not become a flood of log lines.
const REPORT_INTERVAL_MS = 60_000;
let redisAway = false;
let fallbacks = 0;
let lastReport = -Infinity;

function noteRedis(answered: boolean, at: number, error?: unknown): void {
  if (answered) {
    if (redisAway) console.info("[rate-limit] Redis answers again; redeem limits are shared once more");
    redisAway = false;
    return;
  }
  redisAway = true;
  fallbacks++;
  if (at - lastReport < REPORT_INTERVAL_MS) return;
  lastReport = at;
  const reason = error instanceof Error ? error.message : String(error);
  console.warn(
    `[rate-limit] Redis did not answer (${reason}); ${fallbacks} redeem(s) limited in this process's memory since the last report`,
  );
  fallbacks = 0;
}

let processLimiter: RedeemRateLimiter | undefined;

/** This process's limiter, on its own Redis connection that never queues a command while disconnected. */
export function redeemRateLimiter(): RedeemRateLimiter {
  processLimiter ??= createRedeemRateLimiter({ redis: limiterRedis() });
  return processLimiter;
}

/** Tests put in a limiter with their own Redis and clock; the function returned puts back the one before. */
export function replaceRedeemRateLimiter(limiter: RedeemRateLimiter): () => void {
  const before = processLimiter;
  processLimiter = limiter;
  return () => {
    processLimiter = before;
  };
}

function limiterRedis(): Redis {
  const redis = new Redis(getEnv().REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_DEADLINE_MS,
    connectTimeout: 1_000,
  });
  // Without a listener ioredis reports connection errors as unhandled; the
  // fallback's own report says what matters.
  redis.on("error", () => {});
  return redis;
}
