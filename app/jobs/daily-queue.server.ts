// Producer: the scheduler timer in app/jobs/worker.server.ts.
// Consumer: app/jobs/run-daily.server.ts (via the worker).
import { Queue } from "bullmq";
import { getEnv } from "~/env.server";
import { createRedis } from "./redis.server";

export const DAILY_QUEUE = "daily";

export interface DailyJob {
  /** The UTC day the run is for, YYYY-MM-DD. */
  day: string;
}

let queue: Queue<DailyJob> | undefined;

/**
 * Asks for a run of the day's scheduled work, once per `everyMs` slot (the job
 * id names the slot, so several workers asking at once queue one run). The
 * day's work is re-run every slot rather than once a day: a shop installed,
 * or a birthday recorded, later in the day is still covered, and a run lost
 * with Redis is simply made again. Every posting it makes is keyed, so
 * re-running awards nothing twice.
 */
export async function requestDailyRun(now: Date, everyMs: number): Promise<void> {
  queue ??= new Queue<DailyJob>(DAILY_QUEUE, {
    connection: createRedis("producer"),
    prefix: getEnv().TALLY_QUEUE_PREFIX,
  });
  const day = now.toISOString().slice(0, 10);
  await queue.add(
    "daily",
    { day },
    {
      jobId: `daily-${day}-${Math.floor(now.getTime() / everyMs)}`,
      attempts: 5,
      backoff: { type: "exponential", delay: 5_000 },
      // Kept a day so a slot's later calls find it and add nothing.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
}

export async function closeDailyQueue(): Promise<void> {
  await queue?.close();
  queue = undefined;
}
