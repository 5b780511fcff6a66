// The system under test: a migrated scratch database, the production build
// served by server/index.ts (npm start), and the BullMQ worker, all on their own database and
// queue prefix so a run never touches anyone else's data or jobs.
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { migrateDeploy } from "../scripts/db/migrate-deploy";
import { ensureBuilt } from "./build";
import { onCleanup } from "./cleanup";
import type { BenchConfig } from "./config";
import { bin, repoRoot } from "./paths";
import { scratchDatabase } from "./postgres";
import { startChild, type Child } from "./processes";

export interface BenchApp {
  baseUrl: string;
  databaseName: string;
  secret: string;
  /** The environment the web app and worker run with: the app's modules need it in any other process too. */
  env: NodeJS.ProcessEnv;
  /** The benchmark's own connections to the scratch database, for setup and checks. */
  pool: pg.Pool;
  logDir: string;
  web: Child;
  worker: () => Child | undefined;
  startWorker: () => Promise<Child>;
  stopWorker: () => Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Waits for `check` to pass, failing early if `child` exits. */
export async function until(what: string, child: Child, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await check().catch(() => false))) {
    if (child.exitCode() !== null)
      throw new Error(`${child.name} exited (${child.exitCode()}) before ${what}:\n${child.tail()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${child.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Removes every Redis key under a queue prefix (the bench's own, never the app's). */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1_000 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

export async function startApp(config: BenchConfig, log: (line: string) => void): Promise<BenchApp> {
  await ensureBuilt(log);

  const db = await scratchDatabase(config.adminUrl, "tally_bench");
  await migrateDeploy({ databaseUrl: db.url, log: () => {} });
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  onCleanup("close the bench pool", () => pool.end());

  const queuePrefix = `tally_bench_${randomBytes(4).toString("hex")}`;
  onCleanup(`delete Redis keys ${queuePrefix}:*`, () => deleteQueueKeys(config.redisUrl, queuePrefix));

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const secret = randomBytes(16).toString("hex");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // tsx is a `#!/usr/bin/env node` script: run it on the
    // project's Node 22, not whatever node the shell has.
    PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
    NODE_ENV: "production",
    DATABASE_URL: db.url,
    REDIS_URL: config.redisUrl,
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: secret,
    SHOPIFY_APP_URL: baseUrl,
    SCOPES: "read_orders,read_customers",
    HOST: "127.0.0.1",
    PORT: String(port),
    TALLY_QUEUE_PREFIX: queuePrefix,
    WORKER_CONCURRENCY: String(config.workerConcurrency),
  };
  const logDir = await mkdtemp(join(tmpdir(), "tally-bench-"));

  // The same command as `npm start` (package.json), without npm in between.
  const web = startChild(
    "web",
    bin("node"),
    [
      // BENCH_WEB_PROFILE=<dir>: the web process writes a V8 CPU profile there when it stops.
      ...(process.env.BENCH_WEB_PROFILE
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WEB_PROFILE}`]
        : []),
      "--max-semi-space-size=64",
      "--import",
      "tsx",
      "server/index.ts",
    ],
    env,
    logDir,
  );
  await until("GET /healthz", web, async () => (await fetch(`${baseUrl}/healthz`)).ok);

  let worker: Child | undefined;
  let workerStarts = 0;
  const startWorker = async () => {
    // A log per start, so the readiness check below cannot see an earlier start's line.
    const started = startChild(`worker-${++workerStarts}`, bin("tsx"), ["workers/index.ts"], env, logDir);
    worker = started;
    // Its log line comes after the queue consumer is constructed: from here
    // on the time it takes is the worker's, not tsx's start-up.
    await until("the worker to start", started, async () =>
      started.tail(50).includes("Tally workers started"),
    );
    return started;
  };
  await startWorker();

  return {
    baseUrl,
    databaseName: db.name,
    secret,
    env,
    pool,
    logDir,
    web,
    worker: () => worker,
    startWorker,
    stopWorker: async () => {
      await worker?.stop();
      worker = undefined;
    },
  };
}
