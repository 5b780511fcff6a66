import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "~/env.server";

/**
 * Connections for BullMQ. Workers wait for Redis forever
 * (maxRetriesPerRequest: null, as BullMQ requires); request paths fail fast
 * (no offline queue) because the database, not Redis, holds the truth and a
 * sweeper re-enqueues whatever could not be queued.
 */
export function createRedis(purpose: "worker" | "producer"): Redis {
  const options: RedisOptions =
    purpose === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const redis = new Redis(getEnv().REDIS_URL, options);
  // Without a listener ioredis reports connection errors as unhandled.
  redis.on("error", (error) => console.warn(`[redis:${purpose}] ${error.message}`));
  return redis;
}
