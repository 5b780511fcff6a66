import { Worker } from "bullmq";
import { getEnv } from "~/env.server";
import { findStalePending, settleDelivery } from "~/models/webhook-delivery.server";
import { processDelivery } from "./process-delivery.server";
import { createRedis } from "./redis.server";
import { enqueueDelivery, WEBHOOK_JOB_OPTIONS, WEBHOOK_QUEUE, type WebhookJob } from "./webhook-queue.server";

export interface RunningWorkers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency?: number;
  /** How often the database is swept for deliveries whose job Redis lost. */
  sweepEveryMs?: number;
  /** A delivery younger than this is assumed to still have its job. */
  sweepGraceMs?: number;
}

export function startWorkers(options: WorkerOptions = {}): RunningWorkers {
  const env = getEnv();
  const worker = new Worker<WebhookJob>(
    WEBHOOK_QUEUE,
    async (job) => processDelivery(BigInt(job.data.deliveryId)),
    {
      connection: createRedis("worker"),
      prefix: env.TALLY_QUEUE_PREFIX,
      concurrency: options.concurrency ?? env.WORKER_CONCURRENCY,
      // A job whose worker died is handed to another worker rather than lost.
      maxStalledCount: 3,
    },
  );
  worker.on("error", (error) => console.error(`[worker] ${error.message}`));
  worker.on("failed", (job, error) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? WEBHOOK_JOB_OPTIONS.attempts ?? 1;
    console.error(`[worker] delivery ${job.data.deliveryId} attempt ${job.attemptsMade}: ${error.message}`);
    if (job.attemptsMade >= attempts) {
      void settleDelivery(BigInt(job.data.deliveryId), "FAILED", error.message).catch((settleError) =>
        console.error(`[worker] could not mark delivery failed: ${settleError.message}`),
      );
    }
  });

  const sweeper = startSweeper(options.sweepEveryMs ?? 15_000, options.sweepGraceMs ?? 30_000);
  return {
    async close() {
      sweeper.stop();
      await worker.close();
    },
  };
}

/**
 * Redis keeps nothing on disk: a flush or restart loses queued jobs. The
 * delivery rows are the outbox, so anything still PENDING after the grace
 * period is queued again (the deterministic job id collapses duplicates).
 */
function startSweeper(everyMs: number, graceMs: number): { stop(): void } {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const stale = await findStalePending(new Date(Date.now() - graceMs), 1_000);
      for (const delivery of stale) await enqueueDelivery(delivery.id, delivery.topic);
      if (stale.length) console.info(`[sweeper] re-queued ${stale.length} pending deliveries`);
    } catch (error) {
      console.error(`[sweeper] ${(error as Error).message}`);
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
