import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { migrateDeploy } from "../../scripts/db/migrate-deploy";
import { adminQuery, databaseUrl as urlOf } from "../../scripts/db/server";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

// One fresh, fully migrated database and one Redis key prefix per run, so
// runs never see each other's data or jobs and never touch a developer's
// own database. Test workers receive them through vitest's provide/inject
// (test/setup/integration-env.ts copies them into process.env).
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const runId = randomBytes(4).toString("hex");
  const database = `tally_test_${runId}`;
  const queuePrefix = `tally_test_${runId}`;

  await adminQuery(adminUrl, `CREATE DATABASE "${database}"`);
  const databaseUrl = urlOf(adminUrl, database);
  try {
    await migrateDeploy({ databaseUrl, log: () => {} });
  } catch (error) {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    throw error;
  }

  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("queuePrefix", queuePrefix);

  return async () => {
    // FORCE terminates connections a test left open (an unclosed pool) first.
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await deleteQueueKeys(redisUrl, queuePrefix);
  };
}

// BullMQ leaves its keys behind; without this every run would add more to
// the shared Redis. A Redis that is down has nothing to clean.
async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  } catch (error) {
    console.warn(
      `Could not delete Redis keys ${prefix}:*: ${error instanceof Error ? error.message : error}`,
    );
  } finally {
    redis.disconnect();
  }
}
