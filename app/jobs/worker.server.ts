import { DelayedError, Worker, type Job } from "bullmq";
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
import { shopsWithStaleSync } from "~/models/shopify-sync.server";
import { recalculateDirtyMembers, shopsWithStaleTiers } from "~/models/tier-dirty.server";
import { createRedis } from "./redis.server";
import { runShopifySync, SyncLeaseHeldError } from "./run-shopify-sync.server";
import { closeSyncQueue, requestShopifySync, SYNC_QUEUE, type SyncJob } from "./sync-queue.server";
import { requestDrain, WEBHOOK_QUEUE, type DrainJob } from "./webhook-queue.server";

const LEASE_RECHECK_MS = 1_000;

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
  // A failed drain leaves its deliveries PENDING (visible in the admin) and is
  // retried by BullMQ, then by the sweeper: nothing is dropped.
  const workers = [
    queueWorker<DrainJob>(WEBHOOK_QUEUE, "drain", (job) => drainShop(job.data.shop), {
      concurrency: options.concurrency ?? env.WORKER_CONCURRENCY,
    }),
    queueWorker<DailyJob>(DAILY_QUEUE, "daily run", (job) => runDaily(job.data.day), { concurrency: 1 }),
    // Few at a time: each spends the shop's Admin API bucket, not ours.
    queueWorker<ReconcileJob>(RECONCILE_QUEUE, "reconciliation", (job) => runReconciliation(job.data.shop), {
      concurrency: 4,
    }),
    queueWorker<TierJob>(TIER_QUEUE, "tier recalculation", (job) => recalculateAndSync(job.data.shop), {
      concurrency: 4,
    }),
    queueWorker<SyncJob>(
      SYNC_QUEUE,
      "Shopify sync",
      async (job, token) => {
        try {
          const report = await runShopifySync(job.data.shop);
          if (report.waitingOn) return `not tried: ${report.waitingOn}`;
          return `${report.written} customers written, ${report.unchanged} already right`;
        } catch (error) {
          if (!(error instanceof SyncLeaseHeldError)) throw error;
          // Not a failure: another worker is writing the shop. Look again
          // shortly, without spending one of the job's attempts.
          await job.moveToDelayed(Date.now() + LEASE_RECHECK_MS, token);
          throw new DelayedError();
        }
      },
      { concurrency: 4 },
    ),
  ];

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
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([closeDailyQueue(), closeReconcileQueue(), closeTierQueue(), closeSyncQueue()]);
    },
  };
}

/**
 * One BullMQ worker with what every Tally worker needs: an error listener
 * (a Redis outage must not crash the process), a log line per failed job,
 * and stalled jobs (their worker died) handed to another worker.
 */
function queueWorker<T extends { shop?: string; day?: string }>(
  queue: string,
  what: string,
  run: (job: Job<T>, token?: string) => Promise<unknown>,
  options: { concurrency: number },
): Worker<T> {
  const worker = new Worker<T>(queue, run, {
    connection: createRedis("worker"),
    prefix: getEnv().TALLY_QUEUE_PREFIX,
    concurrency: options.concurrency,
    maxStalledCount: 3,
    lockDuration: getEnv().WORKER_LOCK_MS,
    stalledInterval: getEnv().WORKER_LOCK_MS,
  });
  worker.on("error", (error) => console.error(`[worker] ${error.message}`));
  worker.on("failed", (job, error) => {
    const subject = job?.data.shop ?? job?.data.day;
    console.error(`[worker] ${what} of ${subject} failed (attempt ${job?.attemptsMade}): ${error.message}`);
  });
  return worker;
}

/** Tiers first, then Shopify's copy of whoever moved (or whose balance did). */
async function recalculateAndSync(shop: string): Promise<string> {
  const result = await recalculateDirtyMembers(shop);
  await requestShopifySync(shop);
  return `${result.members} members looked at: ${result.up} up, ${result.down} down, ${result.grace} in grace`;
}

/**
 * Redis keeps nothing on disk: a flush or restart loses queued jobs. The
 * delivery rows are the outbox, so a shop with deliveries still PENDING after
 * the grace period gets a drain again (deduplicated per shop); likewise a
 * shop whose members' tier marks are still set gets a recalculation, and
 * one whose members' Shopify marks are still set gets a sync.
 */
function startSweeper(everyMs: number, graceMs: number): { stop(): void } {
  return every(everyMs, async () => {
    const olderThan = new Date(Date.now() - graceMs);
    const shops = await findShopsWithStalePending(olderThan);
    for (const shop of shops) await requestDrain(shop);
    if (shops.length)
      console.info(`[sweeper] asked for a drain of ${shops.length} shop(s) with stale deliveries`);
    const stale = await shopsWithStaleTiers(graceMs);
    for (const shop of stale) await requestTierRecalculation(shop);
    if (stale.length)
      console.info(`[sweeper] asked for a tier recalculation of ${stale.length} shop(s) with stale marks`);
    const unsynced = await shopsWithStaleSync(graceMs);
    for (const shop of unsynced) await requestShopifySync(shop);
    if (unsynced.length)
      console.info(`[sweeper] asked for a Shopify sync of ${unsynced.length} shop(s) with stale marks`);
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
