// Producer: app/webhooks.server.ts (on receipt) and the sweeper in
// app/jobs/worker.server.ts. Consumer: app/jobs/drain-shop.server.ts.
import { Queue, type JobsOptions } from "bullmq";
import { getEnv } from "~/env.server";
import { createRedis } from "./redis.server";

export const WEBHOOK_QUEUE = "webhooks";

/** "Process this shop's pending deliveries": the rows themselves are the work list. */
export interface DrainJob {
  shop: string;
}

export const DRAIN_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 500 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

let queue: Queue<DrainJob> | undefined;

function webhookQueue(): Queue<DrainJob> {
  queue ??= new Queue<DrainJob>(WEBHOOK_QUEUE, {
    connection: createRedis("producer"),
    prefix: getEnv().TALLY_QUEUE_PREFIX,
    defaultJobOptions: DRAIN_JOB_OPTIONS,
  });
  return queue;
}

// A burst of webhooks for one shop needs one drain request, not one each:
// requests within this window share a single add, made after the last of
// them was recorded.
const COALESCE_MS = 10;
const DRAIN_DELAY_MS = 250;
const scheduled = new Map<string, Promise<boolean>>();

/**
 * Asks a worker to drain the shop's pending deliveries, soon after the
 * caller's delivery was recorded. Calls within COALESCE_MS share one add;
 * in BullMQ, deduplication collapses waiting drains per shop and
 * `keepLastIfActive` queues one more when a drain is already running, so a
 * delivery recorded after that drain's last look is never left behind.
 * Never throws: if Redis is unreachable the rows stay PENDING and the
 * sweeper asks again.
 */
export function requestDrain(shop: string): Promise<boolean> {
  let request = scheduled.get(shop);
  if (!request) {
    request = new Promise((resolve) => setTimeout(resolve, COALESCE_MS)).then(() => {
      scheduled.delete(shop);
      return addDrain(shop);
    });
    scheduled.set(shop, request);
  }
  return request;
}

async function addDrain(shop: string): Promise<boolean> {
  try {
    await webhookQueue().add(
      "drain",
      { shop },
      // A quarter-second delay lets a burst accumulate: one drain of a
      // hundred deliveries costs little more than a drain of one, and points
      // still land well within a second.
      { delay: DRAIN_DELAY_MS, deduplication: { id: `drain-${shop}`, keepLastIfActive: true } },
    );
    return true;
  } catch (error) {
    console.warn(`[webhooks] could not queue a drain for ${shop}: ${(error as Error).message}`);
    return false;
  }
}

export async function closeWebhookQueue(): Promise<void> {
  await queue?.close();
  queue = undefined;
}
