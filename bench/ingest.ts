// The webhook ingest benchmarks: end to end (web app and worker together, the
// figure the target is about) and split (each side alone, to show which one
// limits the whole).
import type { BenchApp } from "./app";
import type { BenchConfig } from "./config";
import { startCpuMeter, type CpuRoles, type CpuUsage } from "./cpu";
import { checkLedger, waitForDrain, watchBacklog, type LedgerCheck } from "./ledger";
import { fireOrders, type LoadResult } from "./load";
import { OrderSource } from "./orders";
import { installShop } from "./shop";

export interface EndToEndResult {
  load: LoadResult;
  acceptedPerSecond: number;
  /** Ledger entries ÷ time from the first request to the last entry. */
  entriesPerSecond: number;
  secondsToLastEntry: number;
  peakBacklog: number;
  cpu: CpuUsage;
  ledger: LedgerCheck;
}

export interface SplitResult {
  /** The web app with the worker stopped: what intake alone sustains. */
  webOnly: { load: LoadResult; acceptedPerSecond: number; cpu: CpuUsage };
  /** The worker started on the backlog the web-only phase left. */
  workerOnly: { backlog: number; seconds: number; entriesPerSecond: number; cpu: CpuUsage };
  ledger: LedgerCheck;
}

const drainTimeoutMs = (config: BenchConfig) => Math.max(60_000, config.seconds * 20_000);

async function cpuRoles(app: BenchApp): Promise<CpuRoles> {
  // This run's backends plus the server's own processes (WAL writer,
  // checkpointer…), which do the commits' work for every database.
  const { rows } = await app.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR datname IS NULL`,
    [app.databaseName],
  );
  const worker = app.worker();
  return {
    trees: {
      "web app": [app.web.pid],
      ...(worker && { worker: [worker.pid] }),
      "load generator": [process.pid],
    },
    pids: { PostgreSQL: rows.map((row) => row.pid) },
    comms: { Redis: "redis-server" },
  };
}

function requireClean(load: LoadResult, what: string): void {
  if (load.accepted.length === 0)
    throw new Error(`${what}: no request was accepted (${load.rejected} non-2xx, ${load.errors} errors)`);
}

/** JIT, connection pools and the queue warm up on a shop of their own, so they do not count. */
export async function warmUp(app: BenchApp, config: BenchConfig, orders: OrderSource): Promise<void> {
  const shop = await installShop(app.pool, "warmup");
  const load = await fireOrders({
    baseUrl: app.baseUrl,
    shop,
    orders,
    connections: config.connections,
    seconds: Math.min(3, config.seconds),
  });
  requireClean(load, "warm-up");
  await waitForDrain(app.pool, shop, drainTimeoutMs(config));
}

export async function endToEnd(
  app: BenchApp,
  config: BenchConfig,
  orders: OrderSource,
): Promise<EndToEndResult> {
  const shop = await installShop(app.pool, "bench");
  const meter = startCpuMeter();
  const watch = watchBacklog(app.pool, shop);
  const load = await fireOrders({
    baseUrl: app.baseUrl,
    shop,
    orders,
    connections: config.connections,
    seconds: config.seconds,
  });
  const peakDuringLoad = await watch.stop();
  requireClean(load, "end to end");
  const drain = await waitForDrain(app.pool, shop, drainTimeoutMs(config));
  const cpu = meter.stop(await cpuRoles(app));
  const ledger = await checkLedger(app.pool, shop, load.sent, load.accepted);
  const secondsToLastEntry = (drain.doneAt - load.startedAt) / 1000;
  return {
    load,
    acceptedPerSecond: load.accepted.length / load.seconds,
    entriesPerSecond: ledger.entries / secondsToLastEntry,
    secondsToLastEntry,
    peakBacklog: Math.max(peakDuringLoad, drain.peakBacklog),
    cpu,
    ledger,
  };
}

export async function split(app: BenchApp, config: BenchConfig, orders: OrderSource): Promise<SplitResult> {
  const shop = await installShop(app.pool, "split");
  await app.stopWorker();

  const webMeter = startCpuMeter();
  const load = await fireOrders({
    baseUrl: app.baseUrl,
    shop,
    orders,
    connections: config.connections,
    seconds: config.seconds,
  });
  const webCpu = webMeter.stop(await cpuRoles(app));
  requireClean(load, "web only");

  await app.startWorker();
  // Started after the worker is up: tsx's start-up is not the worker's throughput.
  const workerMeter = startCpuMeter();
  const startedAt = Date.now();
  const drain = await waitForDrain(app.pool, shop, drainTimeoutMs(config));
  const workerCpu = workerMeter.stop(await cpuRoles(app));
  const seconds = (drain.doneAt - startedAt) / 1000;
  const ledger = await checkLedger(app.pool, shop, load.sent, load.accepted);

  return {
    webOnly: { load, acceptedPerSecond: load.accepted.length / load.seconds, cpu: webCpu },
    // The backlog is counted in the ledger afterwards: a request in flight
    // when the load stopped may be recorded after any earlier count.
    workerOnly: {
      backlog: ledger.entries,
      seconds,
      entriesPerSecond: ledger.entries / seconds,
      cpu: workerCpu,
    },
    ledger,
  };
}
