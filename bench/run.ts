// `npm run bench`: the pgbench baseline, the webhook ingest benchmarks
// against the built app, the reconciliation backfill against a batched
// INSERT, then docs/benchmarks.md and a summary. Exits non-zero when a
// benchmark could not run or the ledger invariants broke; a missed
// performance target is reported, not failed.
import { rm, writeFile } from "node:fs/promises";
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

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<number> {
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

    const run: Run = { machine, config, pgbench, endToEnd: e2e, split: parts, backfill };
    await writeFile(join(repoRoot, "docs", "benchmarks.md"), renderMarkdown(run));
    console.log(`\n${renderSummary(run)}\n\nwritten to docs/benchmarks.md`);
    await rm(app.logDir, { recursive: true, force: true });
    return e2e.ledger.ok && parts.ledger.ok && backfill.check.ok ? 0 : 1;
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
