// The storefront benchmarks: the app-proxy read a member's page view makes,
// the weight of the theme app extension, and Lighthouse with and without it.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchApp } from "./app";
import type { BenchConfig } from "./config";
import { repoRoot } from "./paths";
import { runProxy, type ProxyResult } from "./proxy";
import { runLighthouse, type LighthouseOutcome } from "./storefront-lighthouse";
import { measureWidgetWeight, type WidgetWeight } from "./widget-weight";

export interface StorefrontResult {
  proxy: ProxyResult;
  weight: WidgetWeight;
  /** The browser tests that assert the requests per page view (the Lighthouse runs count them). */
  requestsAssertedBy: string[];
  lighthouse: LighthouseOutcome;
}

const BROWSER_TESTS = join(repoRoot, "test", "browser");

/**
 * The browser tests that count the storefront's calls to the app proxy, if any
 * exist yet: those that use test/browser/support/stack.ts's recordProxyRequests.
 */
async function browserTestsOfRequests(): Promise<string[]> {
  const files = await readdir(BROWSER_TESTS, { recursive: true }).catch(() => [] as string[]);
  const found: string[] = [];
  for (const file of files.filter((name) => /\.(test|spec)\.ts$/.test(name)).sort()) {
    if ((await readFile(join(BROWSER_TESTS, file), "utf8")).includes("recordProxyRequests("))
      found.push(`test/browser/${file}`);
  }
  return found;
}

export async function runStorefront(
  app: BenchApp,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<StorefrontResult> {
  const weight = await measureWidgetWeight();
  log(
    weight.measured ? "storefront: extension weighed" : `storefront: extension not weighed: ${weight.reason}`,
  );
  const proxy = await runProxy(app, config, log);
  // Last: Chromium would compete with the servers for the two cores.
  log("storefront: Lighthouse…");
  const lighthouse = await runLighthouse(log);
  if (!lighthouse.ran) log(`storefront: Lighthouse not run: ${lighthouse.reason}`);
  return { proxy, weight, requestsAssertedBy: await browserTestsOfRequests(), lighthouse };
}
