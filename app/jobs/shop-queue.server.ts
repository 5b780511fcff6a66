import { Queue } from "bullmq";
import { getEnv } from "~/env.server";
import { createRedis } from "./redis.server";

/** A job that says "look at this shop's marked members"; the marks are the work list. */
export interface ShopJob {
  shop: string;
}

export interface ShopQueue {
  /** Asks for a run for the shop. Never throws: with Redis gone the marks stay and the sweeper asks again. */
  request(shop: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A queue with at most one waiting job per shop: the job id is
 * `<name>-<shop>`, deduplicated while it waits, and one more is kept while
 * one runs (`keepLastIfActive`), so a thousand requests in a second cause a
 * handful of jobs and none is lost. `gatherMs` lets a burst's later requests
 * find the job still waiting.
 */
export function shopQueue(name: string, gatherMs: number): ShopQueue {
  let queue: Queue<ShopJob> | undefined;
  return {
    async request(shop) {
      queue ??= new Queue<ShopJob>(name, {
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
          name,
          { shop },
          { delay: gatherMs, deduplication: { id: `${name}-${shop}`, keepLastIfActive: true } },
        );
        return true;
      } catch (error) {
        console.warn(`[${name}] could not queue a run for ${shop}: ${(error as Error).message}`);
        return false;
      }
    },
    async close() {
      await queue?.close();
      queue = undefined;
    },
  };
}
