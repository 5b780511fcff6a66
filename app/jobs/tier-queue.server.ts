// Producers: app/jobs/drain-shop.server.ts (after a drain posted entries),
// app/jobs/run-daily.server.ts, and the tier sweeper in app/jobs/worker.server.ts.
// Consumer: app/jobs/run-tier-recalculation.server.ts (via the worker).
import { Queue } from "bullmq";
import { getEnv } from "~/env.server";
import { createRedis } from "./redis.server";

export const TIER_QUEUE = "tiers";

/** "Recalculate this shop's members whose balance moved": the dirty marks are the work list. */
export interface TierJob {
  shop: string;
}

// A burst's later drains find the job still waiting and add nothing; the
// member's tier is still recorded within a couple of seconds of the order.
const GATHER_MS = 1_000;

let queue: Queue<TierJob> | undefined;

/**
 * Asks for a recalculation of the shop's dirty members. One job id per shop
 * (`tiers-<shop>`), deduplicated while it waits, and one more queued when one
 * is running (`keepLastIfActive`): a thousand ledger changes in a second
 * cause a handful of jobs, and none is lost. Never throws: with Redis gone the marks stay in the database and
 * the sweeper asks again.
 */
export async function requestTierRecalculation(shop: string): Promise<boolean> {
  queue ??= new Queue<TierJob>(TIER_QUEUE, {
    connection: createRedis("producer"),
    prefix: getEnv().TALLY_QUEUE_PREFIX,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: "exponential", delay: 500 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  try {
    await queue.add(
      "recalculate",
      { shop },
      { delay: GATHER_MS, deduplication: { id: `tiers-${shop}`, keepLastIfActive: true } },
    );
    return true;
  } catch (error) {
    console.warn(`[tiers] could not queue a recalculation for ${shop}: ${(error as Error).message}`);
    return false;
  }
}

export async function closeTierQueue(): Promise<void> {
  await queue?.close();
  queue = undefined;
}
