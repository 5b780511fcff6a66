// `npm run bench`: the pgbench baseline, then the webhook ingest benchmarks
// against the built app, then docs/benchmarks.md and a summary. Exits
// non-zero when a benchmark could not run or the ledger invariants broke;
// a missed performance target is reported, not failed.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startApp } from "./app";
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

    const run: Run = { machine, config, pgbench, endToEnd: e2e, split: parts };
    await writeFile(join(repoRoot, "docs", "benchmarks.md"), renderMarkdown(run));
    console.log(`\n${renderSummary(run)}\n\nwritten to docs/benchmarks.md`);
    await rm(app.logDir, { recursive: true, force: true });
    return e2e.ledger.ok && parts.ledger.ok ? 0 : 1;
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
