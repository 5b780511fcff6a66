import { Worker } from "bullmq";
import { getEnv } from "~/env.server";
import { findShopsWithStalePending } from "~/models/webhook-delivery.server";
import { drainShop } from "./drain-shop.server";
import { closeDailyQueue, DAILY_QUEUE, requestDailyRun, type DailyJob } from "./daily-queue.server";
import { runDaily } from "./run-daily.server";
import {
  closeReconcileQueue,
  RECONCILE_QUEUE,
  requestReconciliations,
  type ReconcileJob,
} from "./reconcile-queue.server";
import { runReconciliation } from "./run-reconciliation.server";
import { closeTierQueue, requestTierRecalculation, TIER_QUEUE, type TierJob } from "./tier-queue.server";
import { recalculateDirtyMembers, shopsWithStaleTiers } from "~/models/tier-dirty.server";
import { createRedis } from "./redis.server";
import { requestDrain, WEBHOOK_QUEUE, type DrainJob } from "./webhook-queue.server";

export interface RunningWorkers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency?: number;
  /** How often the database is swept for deliveries whose job Redis lost. */
  sweepEveryMs?: number;
  /** A delivery younger than this is assumed to still have its job. */
  sweepGraceMs?: number;
  /** How often the day's scheduled work (pending release, birthday bonuses, expiry) runs. */
  scheduleEveryMs?: number;
  /** How often every shop is reconciled against Shopify; 0 = never. Defaults to RECONCILE_EVERY_MINUTES. */
  reconcileEveryMs?: number;
}

export function startWorkers(options: WorkerOptions = {}): RunningWorkers {
  const env = getEnv();
  const worker = new Worker<DrainJob>(WEBHOOK_QUEUE, async (job) => drainShop(job.data.shop), {
    connection: createRedis("worker"),
    prefix: env.TALLY_QUEUE_PREFIX,
    concurrency: options.concurrency ?? env.WORKER_CONCURRENCY,
    // A job whose worker died is handed to another worker rather than lost.
    maxStalledCount: 3,
  });
  worker.on("error", (error) => console.error(`[worker] ${error.message}`));
  // A failed drain leaves its deliveries PENDING (visible in the admin) and is
  // retried by BullMQ, then by the sweeper: nothing is dropped.
  worker.on("failed", (job, error) => {
    console.error(
      `[worker] drain of ${job?.data.shop} failed (attempt ${job?.attemptsMade}): ${error.message}`,
    );
  });

  const daily = new Worker<DailyJob>(DAILY_QUEUE, async (job) => runDaily(job.data.day), {
    connection: createRedis("worker"),
    prefix: env.TALLY_QUEUE_PREFIX,
    concurrency: 1,
  });
  daily.on("error", (error) => console.error(`[worker] ${error.message}`));
  daily.on("failed", (job, error) =>
    console.error(`[worker] daily run ${job?.data.day} failed: ${error.message}`),
  );

  // Few at a time: each spends the shop's Admin API bucket, not ours.
  const reconcile = new Worker<ReconcileJob>(
    RECONCILE_QUEUE,
    async (job) => runReconciliation(job.data.shop),
    {
      connection: createRedis("worker"),
      prefix: env.TALLY_QUEUE_PREFIX,
      concurrency: 4,
    },
  );
  reconcile.on("error", (error) => console.error(`[worker] ${error.message}`));
  reconcile.on("failed", (job, error) =>
    console.error(`[worker] reconciliation of ${job?.data.shop} failed: ${error.message}`),
  );

  const tiers = new Worker<TierJob>(
    TIER_QUEUE,
    async (job) => {
      const result = await recalculateDirtyMembers(job.data.shop);
      return `${result.members} members looked at: ${result.up} up, ${result.down} down, ${result.grace} in grace`;
    },
    {
      connection: createRedis("worker"),
      prefix: env.TALLY_QUEUE_PREFIX,
      concurrency: 4,
      maxStalledCount: 3,
    },
  );
  tiers.on("error", (error) => console.error(`[worker] ${error.message}`));
  tiers.on("failed", (job, error) =>
    console.error(`[worker] tier recalculation of ${job?.data.shop} failed: ${error.message}`),
  );

  const sweeper = startSweeper(options.sweepEveryMs ?? 5_000, options.sweepGraceMs ?? 10_000);
  const scheduleEveryMs = options.scheduleEveryMs ?? 10 * 60_000;
  const scheduler = every(scheduleEveryMs, () => requestDailyRun(new Date(), scheduleEveryMs));
  const reconcileEveryMs = options.reconcileEveryMs ?? env.RECONCILE_EVERY_MINUTES * 60_000;
  const reconciler =
    reconcileEveryMs > 0
      ? every(reconcileEveryMs, async () => {
          await requestReconciliations(new Date(), reconcileEveryMs);
        })
      : { stop() {} };
  return {
    async close() {
      sweeper.stop();
      scheduler.stop();
      reconciler.stop();
      await Promise.all([worker.close(), daily.close(), reconcile.close(), tiers.close()]);
      await Promise.all([closeDailyQueue(), closeReconcileQueue(), closeTierQueue()]);
    },
  };
}

/**
 * Redis keeps nothing on disk: a flush or restart loses queued jobs. The
 * delivery rows are the outbox, so a shop with deliveries still PENDING after
 * the grace period gets a drain again (deduplicated per shop); likewise a
 * shop whose members' tier marks are still set gets a recalculation.
 */
function startSweeper(everyMs: number, graceMs: number): { stop(): void } {
  return every(everyMs, async () => {
    const olderThan = new Date(Date.now() - graceMs);
    const shops = await findShopsWithStalePending(olderThan);
    for (const shop of shops) await requestDrain(shop);
    if (shops.length)
      console.info(`[sweeper] asked for a drain of ${shops.length} shop(s) with stale deliveries`);
    const stale = await shopsWithStaleTiers(olderThan);
    for (const shop of stale) await requestTierRecalculation(shop);
    if (stale.length)
      console.info(`[sweeper] asked for a tier recalculation of ${stale.length} shop(s) with stale marks`);
  });
}

/** Runs `task` now and then every `everyMs`, never two at once, logging failures (Redis may be down). */
function every(everyMs: number, task: () => Promise<void>): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } catch (error) {
      console.error(`[worker] scheduled task: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
