// Lighthouse's performance score of the storefront with the Tally embed and
// blocks on and off (`?tally=off`: the same page otherwise), for the product
// and home pages, as a guest and as a signed-in member: Lighthouse's default
// mobile config with simulated throttling, the median of N runs each, on
// Debian's Chromium.
//
//   npx tsx bench/lighthouse.ts                  starts its own stack, prints a table
//   BENCH_LIGHTHOUSE_RUNS=5                      runs per page and variant (default 3)
//   BENCH_LIGHTHOUSE_URL=http://localhost:3001   measures a running storefront preview instead
//   BENCH_LIGHTHOUSE_MEMBER=1001                 …signed in as this customer for the member rows
//
// Its own stack runs in a child process (this file, `serve`): a scratch
// database, the Shopify stand-in, the app's production build and the
// storefront preview (test/mocks/storefront/), seeded by
// test/browser/support/seed.ts. The child keeps the app's environment and
// connections out of the caller's process (bench/run.ts imports this file).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { migrateDeploy } from "../scripts/db/migrate-deploy";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../test/browser/support/chromium";
import { isAppProxyPath } from "../test/mocks/storefront/proxy";
import { CUSTOMER_COOKIE } from "../test/mocks/storefront/server";
import { ensureBuilt } from "./build";
import { onCleanup } from "./cleanup";
import { readConfig } from "./config";
import { deleteQueueKeys } from "./app";
import { bin, repoRoot } from "./paths";
import { scratchDatabase } from "./postgres";

export interface LighthouseMetrics {
  /** Milliseconds, as Lighthouse simulates them on its mobile profile. */
  firstContentfulPaint: number;
  largestContentfulPaint: number;
  totalBlockingTime: number;
  speedIndex: number;
  cumulativeLayoutShift: number;
}

/** A page view's requests, from Lighthouse's network log. */
export interface PageRequests {
  total: number;
  /** To the app, through the app proxy (`/apps/tally/…`). */
  app: number;
  /** Bytes over the wire, all requests. */
  transferBytes: number;
}

export interface LighthouseRow {
  page: string;
  /** Median performance score, 0–100. */
  tallyOn: number;
  tallyOff: number;
  /** tallyOn − tallyOff: what Tally costs (negative) in score points. */
  difference: number;
  runs: number;
  /** Median of each metric over the runs. */
  metrics: { on: LighthouseMetrics; off: LighthouseMetrics };
  /** Median of each count over the runs. */
  requests: { on: PageRequests; off: PageRequests };
}

export interface LighthouseOptions {
  /** Chromium to run; defaults to Debian's. */
  chromium?: string;
  log?: (line: string) => void;
  /** Runs per page and variant; defaults to BENCH_LIGHTHOUSE_RUNS or 3. */
  runs?: number;
  /** A running storefront preview; without it, this starts its own stack. */
  previewUrl?: string;
  /** With previewUrl: the numeric customer id to sign in as; without it only guest rows are measured. */
  memberId?: string;
}

const PAGES = [
  { name: "product page", path: "/products/canvas-tote" },
  { name: "home page", path: "/" },
];
const READY = "LIGHTHOUSE_STACK";

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Target {
  url: string;
  memberId: string | null;
  stop(): Promise<void>;
}

interface Measured {
  score: number;
  metrics: LighthouseMetrics;
  requests: PageRequests;
}

function requestsOf(audit: { details?: unknown } | undefined, url: string): PageRequests {
  const items = (audit?.details as { items?: { url: string; transferSize?: number }[] } | undefined)?.items;
  if (!items) throw new Error(`Lighthouse recorded no network requests for ${url}`);
  return {
    total: items.length,
    app: items.filter((item) => isAppProxyPath(new URL(item.url).pathname)).length,
    transferBytes: items.reduce((sum, item) => sum + (item.transferSize ?? 0), 0),
  };
}

async function runLighthouse(port: number, url: string, cookie: string | null): Promise<Measured> {
  const result = await lighthouse(url, {
    port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance"],
    // Sent with every request of the page, the app proxy's included.
    extraHeaders: cookie ? { Cookie: cookie } : undefined,
  });
  const lhr = result?.lhr;
  if (!lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
  if (lhr.runtimeError) throw new Error(`Lighthouse could not measure ${url}: ${lhr.runtimeError.message}`);
  const score = lhr.categories.performance?.score;
  if (typeof score !== "number") throw new Error(`Lighthouse gave ${url} no performance score`);
  const metric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  return {
    score: Math.round(score * 100),
    requests: requestsOf(lhr.audits["network-requests"], url),
    metrics: {
      firstContentfulPaint: metric("first-contentful-paint"),
      largestContentfulPaint: metric("largest-contentful-paint"),
      totalBlockingTime: metric("total-blocking-time"),
      speedIndex: metric("speed-index"),
      cumulativeLayoutShift: metric("cumulative-layout-shift"),
    },
  };
}

/** The median of each field over the runs. */
function medians<T extends object>(runs: T[]): T {
  const keys = Object.keys(runs[0]!) as (keyof T & string)[];
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => run[key] as number))])) as T;
}

export async function measureLighthouse(options: LighthouseOptions = {}): Promise<LighthouseRow[]> {
  const log = options.log ?? (() => {});
  const runs = options.runs ?? positiveInt(process.env.BENCH_LIGHTHOUSE_RUNS, 3, "BENCH_LIGHTHOUSE_RUNS");
  const target: Target = options.previewUrl
    ? { url: options.previewUrl, memberId: options.memberId ?? null, stop: async () => {} }
    : await startStack(log);
  const chrome = await chromeLauncher.launch({
    chromePath: options.chromium ?? CHROMIUM_PATH,
    chromeFlags: CHROMIUM_FLAGS,
    logLevel: "silent",
  });
  try {
    const visitors = [{ name: "guest", cookie: null as string | null }];
    if (target.memberId) visitors.push({ name: "member", cookie: `${CUSTOMER_COOKIE}=${target.memberId}` });
    const rows: LighthouseRow[] = [];
    for (const visitor of visitors) {
      for (const page of PAGES) {
        const on: Measured[] = [];
        const off: Measured[] = [];
        // Alternated, so drift in the machine's speed falls on both sides alike.
        for (let run = 1; run <= runs; run++) {
          on.push(await runLighthouse(chrome.port, `${target.url}${page.path}`, visitor.cookie));
          off.push(await runLighthouse(chrome.port, `${target.url}${page.path}?tally=off`, visitor.cookie));
          log(`lighthouse: ${page.name}, ${visitor.name}: run ${run}/${runs}`);
        }
        const tallyOn = median(on.map((m) => m.score));
        const tallyOff = median(off.map((m) => m.score));
        rows.push({
          page: `${page.name}, ${visitor.name}`,
          tallyOn,
          tallyOff,
          difference: tallyOn - tallyOff,
          runs,
          metrics: { on: medians(on.map((m) => m.metrics)), off: medians(off.map((m) => m.metrics)) },
          requests: { on: medians(on.map((m) => m.requests)), off: medians(off.map((m) => m.requests)) },
        });
      }
    }
    return rows;
  } finally {
    chrome.kill();
    await target.stop();
  }
}

/** Builds the app if stale, makes a scratch database, and starts the child that serves the storefront. */
async function startStack(log: (line: string) => void): Promise<Target> {
  const config = readConfig();
  await ensureBuilt(log);
  const db = await scratchDatabase(config.adminUrl, "tally_lighthouse");
  await migrateDeploy({ databaseUrl: db.url, log: () => {} });
  const queuePrefix = `tally_lighthouse_${randomBytes(4).toString("hex")}`;
  const dropKeys = onCleanup(`delete Redis keys ${queuePrefix}:*`, () =>
    deleteQueueKeys(config.redisUrl, queuePrefix),
  );
  const child = spawn(bin("node"), ["--import", "tsx", fileURLToPath(import.meta.url), "serve"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: db.url,
      REDIS_URL: config.redisUrl,
      SHOPIFY_API_KEY: "lighthouse-api-key",
      SHOPIFY_API_SECRET: randomBytes(16).toString("hex"),
      SHOPIFY_APP_URL: "http://127.0.0.1",
      SCOPES: "read_orders,read_customers,write_customers,read_discounts,write_discounts",
      TALLY_QUEUE_PREFIX: queuePrefix,
      RECONCILE_EVERY_MINUTES: "0",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stopChild = onCleanup("stop the Lighthouse storefront", () => stop(child));
  try {
    const ready = await readyLine(child);
    log(`lighthouse: storefront at ${ready.url}`);
    return {
      url: ready.url,
      memberId: ready.memberId,
      stop: async () => {
        await stopChild();
        await db.drop();
        await dropKeys();
      },
    };
  } catch (error) {
    await stopChild();
    await db.drop();
    await dropKeys();
    throw error;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function readyLine(child: ChildProcess): Promise<{ url: string; memberId: string }> {
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the storefront did not start:\n${output.join("\n")}`)),
      120_000,
    );
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => output.push(chunk));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith(`${READY} `)) return void output.push(line);
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY.length + 1)) as { url: string; memberId: string });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the storefront exited (${code}) before it was ready:\n${output.join("\n")}`));
    });
  });
}

/** The child: stand-in, seeded shop, app build and storefront preview in one process, until stdin closes. */
async function serve(): Promise<void> {
  const { setupShopifyStandIn } = await import("../test/mocks/shopify/setup-server");
  const shopify = setupShopifyStandIn({
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
  });
  shopify.listen();
  const { seedStorefrontShop } = await import("../test/browser/support/seed");
  const { serveAppBuild } = await import("../test/browser/support/app");
  const { startStorefrontPreview } = await import("../test/mocks/storefront/server");
  const seeded = await seedStorefrontShop(shopify.standIn, "lighthouse");
  const app = await serveAppBuild();
  const preview = await startStorefrontPreview({
    standIn: shopify.standIn,
    shop: seeded.shop,
    appUrl: app.url,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
  });
  const exit = () => process.exit(0);
  process.once("SIGTERM", exit);
  process.once("SIGINT", exit);
  // The parent gone (its end of the pipe closed): nobody will stop us otherwise.
  process.stdin.on("end", exit).resume();
  process.stdout.write(`${READY} ${JSON.stringify({ url: preview.url, memberId: seeded.members[0]!.id })}\n`);
}

function printTable(rows: LighthouseRow[]): void {
  const ms = (value: number) => `${Math.round(value)}`.padStart(6);
  console.info(
    `\nLighthouse performance score, median of ${rows[0]?.runs ?? 0} runs (mobile, simulated throttling)\n`,
  );
  console.info(
    `${"page".padEnd(24)}${"Tally on".padStart(10)}${"Tally off".padStart(11)}${"difference".padStart(12)}`,
  );
  for (const row of rows) {
    const sign = row.difference > 0 ? "+" : "";
    console.info(
      `${row.page.padEnd(24)}${String(row.tallyOn).padStart(10)}${String(row.tallyOff).padStart(11)}${`${sign}${row.difference}`.padStart(12)}`,
    );
  }
  console.info(`\nMedian metrics, Tally on / off (ms; CLS unitless)\n`);
  console.info(
    `${"page".padEnd(24)}${"FCP".padStart(15)}${"LCP".padStart(15)}${"TBT".padStart(15)}${"SI".padStart(15)}${"CLS".padStart(13)}`,
  );
  for (const { page, metrics } of rows) {
    const pair = (key: keyof LighthouseMetrics) => `${ms(metrics.on[key])} /${ms(metrics.off[key])}`;
    const cls = `${metrics.on.cumulativeLayoutShift.toFixed(3)}/${metrics.off.cumulativeLayoutShift.toFixed(3)}`;
    console.info(
      `${page.padEnd(24)}${pair("firstContentfulPaint")}${pair("largestContentfulPaint")}${pair("totalBlockingTime")}${pair("speedIndex")}${cls.padStart(13)}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv[2] === "serve") {
    await serve();
  } else {
    const { cleanUp } = await import("./cleanup");
    try {
      const rows = await measureLighthouse({
        log: (line) => console.info(line),
        previewUrl: process.env.BENCH_LIGHTHOUSE_URL,
        memberId: process.env.BENCH_LIGHTHOUSE_MEMBER,
      });
      printTable(rows);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    } finally {
      await cleanUp();
    }
  }
}
