import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { migrateDeploy } from "../db/migrate-deploy";

const root = new URL("../../", import.meta.url).pathname;

/** Fails with instructions, not a stack trace, when PostgreSQL or Redis is down. */
export async function checkServices(databaseServerUrl: string, redisUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseServerUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${databaseServerUrl} (${(error as Error).message}).\n` +
        "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    );
  } finally {
    await client.end().catch(() => {});
  }
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${(error as Error).message}).\n` +
        'Start it with: redis-server --daemonize yes --save "" --appendonly no',
    );
  } finally {
    redis.disconnect();
  }
}

export async function ensureDatabase(
  serverUrl: string,
  database: string,
  databaseUrl: string,
): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  const { applied } = await migrateDeploy({ databaseUrl, log: () => {} });
  if (applied.length) console.info(`Applied migrations: ${applied.join(", ")}`);
}

/** Builds the app unless build/ is newer than every source file. */
export function ensureBuilt(): void {
  const built = newest(join(root, "build/server"));
  const sources = Math.max(newest(join(root, "app")), statSync(join(root, "package-lock.json")).mtimeMs);
  if (built > sources) return;
  console.info("Building the app (npm run build)…");
  execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
}

function newest(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/**
 * The stand-in lives in memory: tokens an earlier demo run was given mean
 * nothing to this one, and the workers would meet 401s. So the demo shop is
 * installed afresh each run; its program, tiers and members stay, as on a
 * reinstall.
 */
export async function forgetSessions(databaseUrl: string, shop: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DELETE FROM "Session" WHERE "shop" = $1`, [shop]);
  } finally {
    await client.end();
  }
}
