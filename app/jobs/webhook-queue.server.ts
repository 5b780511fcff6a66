// Producer: app/webhooks.server.ts (on receipt) and the pending-delivery
// sweeper in app/jobs/worker.server.ts. Consumer: app/jobs/process-delivery.server.ts.
import { Queue, type JobsOptions } from "bullmq";
import { getEnv } from "~/env.server";
import { createRedis } from "./redis.server";

export const WEBHOOK_QUEUE = "webhooks";

export interface WebhookJob {
  deliveryId: string;
}

export const WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

let queue: Queue<WebhookJob> | undefined;

function webhookQueue(): Queue<WebhookJob> {
  queue ??= new Queue<WebhookJob>(WEBHOOK_QUEUE, {
    connection: createRedis("producer"),
    prefix: getEnv().TALLY_QUEUE_PREFIX,
    defaultJobOptions: WEBHOOK_JOB_OPTIONS,
  });
  return queue;
}

/** BullMQ forbids ':' in custom ids; the delivery id is already unique. */
export const jobIdFor = (deliveryId: bigint | string) => `delivery-${deliveryId}`;

/**
 * Queues a recorded delivery. Returns false instead of throwing when Redis is
 * unreachable: the delivery row stays PENDING and the sweeper queues it later.
 */
export async function enqueueDelivery(deliveryId: bigint, topic: string): Promise<boolean> {
  try {
    await webhookQueue().add(topic, { deliveryId: deliveryId.toString() }, { jobId: jobIdFor(deliveryId) });
    return true;
  } catch (error) {
    console.warn(`[webhooks] could not queue delivery ${deliveryId}: ${(error as Error).message}`);
    return false;
  }
}

export async function closeWebhookQueue(): Promise<void> {
  await queue?.close();
  queue = undefined;
}
