import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import type { BenchConfig } from "./config";
import { repoRoot } from "./paths";

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  /** The settings that decide commit cost, which is what the baseline measures. */
  postgresSettings: string;
  redis: string;
  commit: string;
}

async function postgresInfo(adminUrl: string): Promise<{ version: string; settings: string }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM unnest(
         ARRAY['server_version', 'shared_buffers', 'synchronous_commit', 'fsync', 'max_connections']) AS name`,
    );
    const get = (name: string) => rows.find((row) => row.name === name)?.setting ?? "?";
    return {
      version: get("server_version"),
      settings: ["shared_buffers", "synchronous_commit", "fsync", "max_connections"]
        .map((n) => `${n}=${get(n)}`)
        .join(", "),
    };
  } finally {
    await client.end();
  }
}

async function redisVersion(redisUrl: string): Promise<string> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    return /^redis_version:(.+)$/m.exec(await redis.info("server"))?.[1]?.trim() ?? "?";
  } finally {
    redis.disconnect();
  }
}

async function commit(): Promise<string> {
  const git = promisify(execFile);
  const head = (await git("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot })).stdout.trim();
  // Other work may be uncommitted in the tree; say so rather than imply a clean commit.
  const dirty = (
    await git("git", ["status", "--porcelain", "--", "app", "workers"], { cwd: repoRoot })
  ).stdout.trim();
  return dirty ? `${head} (app/ or workers/ modified)` : head;
}

export async function describeMachine(config: BenchConfig): Promise<Machine> {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const pgInfo = await postgresInfo(config.adminUrl);
  return {
    date: new Date().toISOString(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres: pgInfo.version,
    postgresSettings: pgInfo.settings,
    redis: await redisVersion(config.redisUrl),
    commit: await commit(),
  };
}
