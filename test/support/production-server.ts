import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

// The production web server (`npm start`: server/index.ts) in a child
// process, as it runs in production: NODE_ENV=production, one process, the
// built app (test/setup/server-global-setup.ts builds it when stale). It sees
// this test file's database, Redis and queue prefix (test/setup/integration-env.ts)
// and the same Shopify credentials, so tests can sign requests it accepts.
// Being another process, its Shopify calls are not intercepted by msw:
// tests through it must not need the Admin API.

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface ProductionServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  pid: number;
  /** Everything the server wrote to stdout and stderr so far, interleaved as it came. */
  output(): string;
  /** Resident set size now (VmRSS in /proc/<pid>/status). */
  rssBytes(): Promise<number>;
  /** The highest resident set size so far (VmHWM). */
  peakRssBytes(): Promise<number>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  close(): Promise<void>;
}

const STARTUP_MS = 60_000;
const KILL_AFTER_MS = 5_000;
const running = new Set<ChildProcess>();

// A test process that ends without calling close() must not leave a server behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startProductionServer(
  options: { env?: Record<string, string> } = {},
): Promise<ProductionServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // What `npm start` passes (package.json).
      "--max-semi-space-size=64",
      // If the test process dies even by SIGKILL, its end of the stdin pipe
      // closes: the server follows it instead of living on as an orphan.
      `--import=data:text/javascript,${encodeURIComponent(EXIT_WITH_PARENT)}`,
      "--import",
      "tsx",
      "server/index.ts",
    ],
    { cwd: root, env: serverEnv(port, options.env ?? {}), stdio: ["pipe", "pipe", "pipe"] },
  );
  running.add(child);
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      running.delete(child);
      resolve();
    });
  });

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, exited);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }

  return {
    url,
    pid: child.pid!,
    output: () => output,
    rssBytes: () => statusBytes(child.pid!, "VmRSS"),
    peakRssBytes: () => statusBytes(child.pid!, "VmHWM"),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

const EXIT_WITH_PARENT = `process.stdin.on("end", () => process.exit(1)).on("error", () => process.exit(1)).resume(); process.stdin.unref();`;

function serverEnv(port: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = [
    "PATH",
    "HOME",
    "TMPDIR",
    "DATABASE_URL",
    "REDIS_URL",
    "TALLY_QUEUE_PREFIX",
    "SHOPIFY_API_KEY",
    "SHOPIFY_API_SECRET",
    "SHOPIFY_APP_URL",
    "SCOPES",
  ];
  const env: Record<string, string> = {};
  for (const name of inherited) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    NODE_ENV: "production",
    WEB_CONCURRENCY: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    RECONCILE_EVERY_MINUTES: "0",
    ...extra,
  } as NodeJS.ProcessEnv;
}

async function waitForHealth(url: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error("The production server exited before answering /healthz");
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The production server did not answer /healthz within ${STARTUP_MS / 1000} s`);
}

/** A port nothing listens on now (the OS picks it; the server binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kilobytes = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
  if (kilobytes === undefined) throw new Error(`No ${field} in /proc/${pid}/status`);
  return Number(kilobytes) * 1024;
}
