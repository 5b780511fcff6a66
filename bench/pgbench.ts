import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BenchConfig } from "./config";
import { scratchDatabase } from "./postgres";

const run = promisify(execFile);

export interface PgbenchResult {
  tps: number;
  latencyMs: number;
  transactions: number;
  command: string;
}

/** pgbench ships with PostgreSQL but is rarely on PATH. */
async function pgbenchPath(): Promise<string> {
  const candidates: string[] = [];
  try {
    const { stdout } = await run("pg_config", ["--bindir"]);
    candidates.push(join(stdout.trim(), "pgbench"));
  } catch {
    // pg_config missing: fall through to the Debian layout.
  }
  candidates.push("/usr/lib/postgresql/15/bin/pgbench", "pgbench");
  return candidates.find((path) => path === "pgbench" || existsSync(path))!;
}

function pick(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output);
  if (!match) throw new Error(`pgbench output has no ${what}:\n${output}`);
  return Number(match[1]);
}

/**
 * The same-run baseline every figure is divided by: TPC-B measures how fast
 * this box commits small write transactions, which is what bounds a ledger
 * that commits per order.
 */
export async function runPgbench(config: BenchConfig): Promise<PgbenchResult> {
  const pgbench = await pgbenchPath();
  const db = await scratchDatabase(config.adminUrl, "tally_pgbench");
  const url = new URL(db.url);
  const connection = ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username)];
  try {
    await run(pgbench, [...connection, "-i", "-q", "-s", "10", db.name], { maxBuffer: 16 * 1024 * 1024 });
    const args = [
      "-c",
      String(config.pgbenchClients),
      "-j",
      String(config.pgbenchThreads),
      "-T",
      String(config.seconds),
    ];
    const { stdout } = await run(pgbench, [...connection, ...args, db.name], { maxBuffer: 16 * 1024 * 1024 });
    return {
      tps: pick(stdout, /^tps = ([\d.]+)/m, "tps"),
      latencyMs: pick(stdout, /^latency average = ([\d.]+) ms/m, "average latency"),
      transactions: pick(stdout, /^number of transactions actually processed: (\d+)/m, "transaction count"),
      command: `pgbench -i -s 10; pgbench ${args.join(" ")}`,
    };
  } finally {
    await db.drop();
  }
}
