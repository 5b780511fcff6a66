import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, until, type BenchApp } from "./app";
import { bin, repoRoot } from "./paths";
import { startChild, type Child } from "./processes";

export interface ProxyBaseline {
  baseUrl: string;
  poolSize: number;
  server: Child;
}

/** The `max` of the app's pg pool (app/db.server.ts), so the baseline holds as many connections. */
async function appPoolSize(): Promise<number> {
  const source = await readFile(join(repoRoot, "app", "db.server.ts"), "utf8");
  const found = /new pg\.Pool\(\{[^}]*\bmax:\s*(\d+)/.exec(source);
  if (!found)
    throw new Error(
      "app/db.server.ts no longer says `new pg.Pool({ … max: N })`: update bench/proxy-baseline.ts",
    );
  return Number(found[1]);
}

/**
 * Starts bench/proxy-baseline-server.ts on the app's database, the way the
 * app's web process is started (the same Node and flags, one process).
 * `probePath` is a request it must answer 200 before it counts as up.
 */
export async function startProxyBaseline(app: BenchApp, probePath: string): Promise<ProxyBaseline> {
  const poolSize = await appPoolSize();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = startChild(
    "proxy-baseline",
    bin("node"),
    ["--max-semi-space-size=64", "--import", "tsx", "bench/proxy-baseline-server.ts"],
    { ...app.env, PORT: String(port), BASELINE_POOL_SIZE: String(poolSize) },
    app.logDir,
  );
  await until("the baseline server", server, async () => (await fetch(`${baseUrl}${probePath}`)).ok);
  return { baseUrl, poolSize, server };
}
