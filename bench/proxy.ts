// The app-proxy benchmark: GET /proxy/customer (what
// https://{shop}/apps/tally/customer forwards to) against the production
// server, read against a minimal node:http + pg server answering the same
// URLs from the same database at the same concurrency.
import type { BenchApp } from "./app";
import type { BenchConfig } from "./config";
import { startCpuMeter, type CpuRoles, type CpuUsage } from "./cpu";
import { startProxyBaseline } from "./proxy-baseline";
import { fireProxy, type ProxyLoad } from "./proxy-load";
import { checkAnswers, type AnswerCheck } from "./proxy-answers";
import { profileProxy } from "./proxy-profile";
import type { ProfileResult } from "./proxy-profile-child";
import { seedProxyShop, type ProxyShop } from "./proxy-seed";
import { sweepProxy, SWEEP_CONNECTIONS, SWEEP_SECONDS, type SweepRow } from "./proxy-sweep";
import { ProxyUrls } from "./proxy-urls";

export interface ProxyPhase {
  load: ProxyLoad;
  cpu: CpuUsage;
  /** Median and p99 of one request at a time, nothing else in flight. */
  aloneMs: { p50: number; p99: number };
}

export interface ProxyResult {
  shop: ProxyShop;
  connections: number;
  warmUpSeconds: number;
  /** The connections each server's pool holds (app/db.server.ts's, copied by the baseline). */
  poolSize: number;
  tally: ProxyPhase;
  baseline: ProxyPhase;
  /** PostgreSQL transactions committed per Tally answer (a statement outside a transaction is one). */
  tallyTransactionsPerRequest: number;
  answers: AnswerCheck;
  /** Both servers at several concurrencies, short phases. */
  sweep: SweepRow[];
  /** Where one answer's time goes, measured in a process of its own; why not, if it could not run. */
  profile: ProfileResult | { error: string };
  check: { ok: boolean; problems: string[] };
}

const WARM_UP_SECONDS = 3;
const ALONE_REQUESTS = 500;
// PostgreSQL 15 publishes an idle backend's counters within 10 s (PGSTAT_IDLE_INTERVAL).
const STATS_SETTLE_MS = 11_000;

async function roles(app: BenchApp, server: { name: string; pid: number }): Promise<CpuRoles> {
  const { rows } = await app.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR datname IS NULL`,
    [app.databaseName],
  );
  return {
    trees: { [server.name]: [server.pid], "load generator": [process.pid] },
    pids: { PostgreSQL: rows.map((row) => row.pid) },
    comms: {},
  };
}

async function measure(
  app: BenchApp,
  server: { name: string; pid: number; baseUrl: string },
  urls: ProxyUrls,
  config: BenchConfig,
): Promise<ProxyPhase> {
  const meter = startCpuMeter();
  const load = await fireProxy({
    baseUrl: server.baseUrl,
    urls,
    connections: config.proxyConnections,
    seconds: config.proxySeconds,
  });
  const cpu = meter.stop(await roles(app, server));
  return { load, cpu, aloneMs: await alone(server.baseUrl, urls) };
}

/** One request at a time: the latency with no queue in front of it. */
async function alone(baseUrl: string, urls: ProxyUrls): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < ALONE_REQUESTS; i++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${urls.take()}`);
    await response.arrayBuffer();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

async function committed(app: BenchApp): Promise<number> {
  const { rows } = await app.pool.query<{ n: string }>(
    `SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1`,
    [app.databaseName],
  );
  return Number(rows[0]!.n);
}

/** Transactions per answer over `requests` sequential answers, with the counters left to settle around them. */
async function transactionsPerRequest(app: BenchApp, urls: ProxyUrls, requests: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, STATS_SETTLE_MS));
  const before = await committed(app);
  for (let i = 0; i < requests; i++) await (await fetch(`${app.baseUrl}${urls.take()}`)).arrayBuffer();
  await new Promise((resolve) => setTimeout(resolve, STATS_SETTLE_MS));
  // Less the reading of `before` itself.
  return ((await committed(app)) - before - 1) / requests;
}

function problemsOf(name: string, load: ProxyLoad): string[] {
  if (load.ok === 0) return [`${name}: no 2xx answer`];
  if (load.non2xx + load.errors === 0) return [];
  return [
    `${name}: ${load.non2xx} non-2xx answers and ${load.errors} errors of ${load.ok + load.non2xx + load.errors}`,
  ];
}

export async function runProxy(
  app: BenchApp,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ProxyResult> {
  log(
    `storefront: seeding ${config.proxyMembers.toLocaleString("en-US")} members, tiers, rewards and codes…`,
  );
  const shop = await seedProxyShop(app, config.proxyMembers);
  const urls = new ProxyUrls(app.secret, shop.shop, config.proxyMembers);
  const answers = await checkAnswers(app, shop, urls);

  const baseline = await startProxyBaseline(app, urls.take());
  try {
    const tallyServer = { name: "web app", pid: app.web.pid, baseUrl: app.baseUrl };
    const baselineServer = { name: "baseline server", pid: baseline.server.pid, baseUrl: baseline.baseUrl };
    log(`storefront: warming up both servers, ${WARM_UP_SECONDS} s each…`);
    for (const server of [tallyServer, baselineServer]) {
      await fireProxy({
        baseUrl: server.baseUrl,
        urls,
        connections: config.proxyConnections,
        seconds: WARM_UP_SECONDS,
      });
    }
    log(
      `storefront: GET /proxy/customer, ${config.proxySeconds} s at ${config.proxyConnections} connections…`,
    );
    const tally = await measure(app, tallyServer, urls, config);
    log(`storefront: the baseline server, the same…`);
    const base = await measure(app, baselineServer, urls, config);
    log(`storefront: both servers at ${SWEEP_CONNECTIONS.join(", ")} connections, ${SWEEP_SECONDS} s each…`);
    const sweep = await sweepProxy({ tally: tallyServer.baseUrl, baseline: baselineServer.baseUrl }, urls);
    log("storefront: counting the app's transactions per answer…");
    const perRequest = await transactionsPerRequest(app, urls, ALONE_REQUESTS);
    log("storefront: where an answer's time goes (the answer alone, its statements explained)…");
    // It calls the app's modules directly: a change there must not lose the figures above.
    const profile = await profileProxy(app, shop.shop, config.proxyMembers).catch((error: unknown) => ({
      error: (error as Error).message.split("\n")[0]!,
    }));

    const problems = [
      ...answers.problems,
      ...problemsOf("Tally", tally.load),
      ...problemsOf("baseline", base.load),
    ];
    return {
      shop,
      connections: config.proxyConnections,
      warmUpSeconds: WARM_UP_SECONDS,
      poolSize: baseline.poolSize,
      tally,
      baseline: base,
      tallyTransactionsPerRequest: perRequest,
      answers,
      sweep,
      profile,
      check: { ok: problems.length === 0, problems },
    };
  } finally {
    await baseline.server.stop();
  }
}
