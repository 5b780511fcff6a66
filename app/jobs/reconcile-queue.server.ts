// Producer: the scheduler timer in app/jobs/worker.server.ts.
// Consumer: app/jobs/run-reconciliation.server.ts (via the worker).
import { Queue } from "bullmq";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { createRedis } from "./redis.server";

export const RECONCILE_QUEUE = "reconcile";

export interface ReconcileJob {
  shop: string;
}

let queue: Queue<ReconcileJob> | undefined;

/**
 * Asks for one reconciliation per installed shop in the current `everyMs`
 * slot (the job id names shop and slot, so several workers asking at once
 * queue one each). A slot lost with Redis is simply asked for again in the
 * next one: every check looks back far enough to overlap the last.
 */
export async function requestReconciliations(now: Date, everyMs: number): Promise<number> {
  queue ??= new Queue<ReconcileJob>(RECONCILE_QUEUE, {
    connection: createRedis("producer"),
    prefix: getEnv().TALLY_QUEUE_PREFIX,
  });
  const shops = await prisma.shop.findMany({
    where: { installState: "INSTALLED" },
    select: { domain: true },
  });
  const slot = Math.floor(now.getTime() / everyMs);
  await queue.addBulk(
    shops.map(({ domain }) => ({
      name: "reconcile",
      data: { shop: domain },
      opts: {
        jobId: `reconcile-${domain}-${slot}`,
        attempts: 3,
        backoff: { type: "exponential", delay: 30_000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    })),
  );
  return shops.length;
}

export async function closeReconcileQueue(): Promise<void> {
  await queue?.close();
  queue = undefined;
}
