// `npm run bench`: the pgbench baseline, the webhook ingest benchmarks
// against the built app, the reconciliation backfill against a batched
// INSERT, the VIP tier benchmarks, the storefront benchmarks, then
// docs/benchmarks.md and a summary. `BENCH_ONLY=tiers` and
// `BENCH_ONLY=storefront` run theirs alone and rewrite only their section;
// `BENCH_ONLY=backfill` runs the backfill alone and only prints it. Exits
// non-zero when a benchmark could not run, the ledger invariants broke or the
// app proxy answered wrongly; a missed performance target is reported, not failed.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startApp } from "./app";
import { runBackfill } from "./backfill";
import { cleanUp } from "./cleanup";
import { readConfig } from "./config";
import { endToEnd, split, warmUp } from "./ingest";
import { describeMachine } from "./machine";
import { OrderSource } from "./orders";
import { repoRoot } from "./paths";
import { runPgbench } from "./pgbench";
import { renderMarkdown, renderSummary, type Run } from "./report";
import { runStorefront } from "./storefront";
import {
  renderStorefrontSection,
  renderStorefrontSummary,
  spliceStorefrontSection,
} from "./storefront-report";
import { runTiers } from "./tiers";
import { renderTiersSection, renderTiersSummary, spliceTiersSection } from "./tiers-report";

const log = (line: string) => console.log(`[bench] ${line}`);

const benchmarksMd = join(repoRoot, "docs", "benchmarks.md");

/** The tier benchmarks alone: minutes instead of the full run's quarter hour. */
async function tiersOnly(): Promise<number> {
  const config = readConfig();
  const tiers = await runTiers(config, log);
  const existing = await readFile(benchmarksMd, "utf8").catch(() => "# Benchmarks\n");
  await writeFile(benchmarksMd, spliceTiersSection(existing, renderTiersSection(tiers, config)));
  console.log(`\n${renderTiersSummary(tiers)}\n\nVIP tiers section written to docs/benchmarks.md`);
  return tiers.check.ok ? 0 : 1;
}

/** The storefront benchmarks alone, on an app of their own with no worker: a few minutes. */
async function storefrontOnly(): Promise<number> {
  const config = readConfig();
  log("starting the app (scratch database, web)…");
  const app = await startApp(config, log);
  try {
    // Nothing here needs the worker, and it would only compete for the cores.
    await app.stopWorker();
    const storefront = await runStorefront(app, config, log);
    const existing = await readFile(benchmarksMd, "utf8").catch(() => "# Benchmarks\n");
    await writeFile(
      benchmarksMd,
      spliceStorefrontSection(existing, renderStorefrontSection(storefront, config)),
    );
    console.log(
      `\n${renderStorefrontSummary(storefront, true)}\n\nStorefront section written to docs/benchmarks.md`,
    );
    await rm(app.logDir, { recursive: true, force: true });
    return storefront.proxy.check.ok ? 0 : 1;
  } catch (error) {
    console.error(`app logs kept in ${app.logDir}`);
    throw error;
  }
}

/** The backfill alone, for trying a change to the earn path: figures printed, nothing written. */
async function backfillOnly(): Promise<number> {
  const backfill = await runBackfill(readConfig());
  const ratio = backfill.path.entriesPerSecond / backfill.baseline.entriesPerSecond;
  log(
    `backfill: ${Math.round(backfill.path.entriesPerSecond)}/s, batched INSERT ${Math.round(backfill.baseline.entriesPerSecond)}/s, ratio ${ratio.toFixed(2)}×`,
  );
  return backfill.check.ok ? 0 : 1;
}

async function main(): Promise<number> {
  if (process.env.BENCH_ONLY === "tiers") return tiersOnly();
  if (process.env.BENCH_ONLY === "backfill") return backfillOnly();
  if (process.env.BENCH_ONLY === "storefront") return storefrontOnly();
  if (process.env.BENCH_ONLY)
    throw new Error(`BENCH_ONLY knows "tiers", "backfill" and "storefront", got "${process.env.BENCH_ONLY}"`);
  const config = readConfig();
  const machine = await describeMachine(config);

  // First and alone: the baseline must not compete with the app's processes.
  log(`pgbench TPC-B, ${config.seconds} s…`);
  const pgbench = await runPgbench(config);
  log(`pgbench: ${Math.round(pgbench.tps)} TPS`);

  log("starting the app (scratch database, web, worker)…");
  const app = await startApp(config, log);
  try {
    const orders = new OrderSource(app.secret, config.customers);
    log("warming up…");
    await warmUp(app, config, orders);
    log(`ingest end to end, ${config.seconds} s at ${config.connections} connections…`);
    const e2e = await endToEnd(app, config, orders);
    log("ingest, web app alone then worker alone…");
    const parts = await split(app, config, orders);

    // After ingest, so the ingest figures are taken exactly as before this
    // benchmark existed; with the worker stopped and the web app idle, the
    // backfill has the box to itself but for other people's work.
    await app.stopWorker();
    log(`reconciliation backfill, ${config.backfillOrders} orders, then a batched INSERT of the same rows…`);
    const backfill = await runBackfill(config);
    log(
      `backfill: ${Math.round(backfill.path.entriesPerSecond)}/s, batched INSERT ${Math.round(backfill.baseline.entriesPerSecond)}/s`,
    );

    log("VIP tiers: recalculation, incremental sync, convergence after a Redis flush…");
    const tiers = await runTiers(config, log);

    // On the same web app, its worker still stopped: the ingest shops stay in
    // the database, but nothing reads them.
    log("storefront: app proxy, widget weight, Lighthouse…");
    const storefront = await runStorefront(app, config, log);

    const run: Run = { machine, config, pgbench, endToEnd: e2e, split: parts, backfill, tiers, storefront };
    await writeFile(benchmarksMd, renderMarkdown(run));
    console.log(`\n${renderSummary(run)}\n\nwritten to docs/benchmarks.md`);
    await rm(app.logDir, { recursive: true, force: true });
    return e2e.ledger.ok &&
      parts.ledger.ok &&
      backfill.check.ok &&
      tiers.check.ok &&
      storefront.proxy.check.ok
      ? 0
      : 1;
  } catch (error) {
    console.error(`app logs kept in ${app.logDir}`);
    throw error;
  }
}

main()
  .catch((error: unknown) => {
    console.error(`[bench] could not run: ${error instanceof Error ? error.stack : String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });
