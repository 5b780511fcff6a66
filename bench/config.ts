// Every knob the benchmarks read from the environment, in one place so the
// report can state exactly what was run.

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export interface BenchConfig {
  /** Length of the pgbench run and of each load phase. */
  seconds: number;
  /** autocannon connections against the web app. */
  connections: number;
  /** Jobs the worker process runs at once (the app's WORKER_CONCURRENCY). */
  workerConcurrency: number;
  /** Distinct customers the orders are spread over. */
  customers: number;
  /** Orders the reconciliation backfill benchmark posts, the customers they come from, and orders per transaction. */
  backfillOrders: number;
  backfillCustomers: number;
  backfillChunk: number;
  /** Members of the shop whose tiers are recalculated whole (bench/tiers.ts). */
  tierMembers: number;
  /** Members of the shop the incremental sync runs on, and how many of them a ledger change moves up a tier. */
  tierSyncMembers: number;
  tierMoved: number;
  /** Members brought back in line after a Redis flush, and the share written before the flush. */
  tierFlushMembers: number;
  tierFlushAtPercent: number;
  /** Redis database the tier benchmarks' queues use: flushing it must flush nobody else's keys. */
  tierRedisDb: number;
  /** The app-proxy benchmark: length of each measured phase, autocannon connections, members of the shop. */
  proxySeconds: number;
  proxyConnections: number;
  proxyMembers: number;
  /** pgbench clients and threads for the TPC-B baseline. */
  pgbenchClients: number;
  pgbenchThreads: number;
  /** Server URL with rights to create and drop the bench databases. */
  adminUrl: string;
  redisUrl: string;
}

export function readConfig(): BenchConfig {
  return {
    seconds: positiveInt("BENCH_SECONDS", 15),
    // Twice pgbench's 8 clients: enough to keep both cores busy; more only
    // lengthens queues (and p99) once the box is saturated.
    connections: positiveInt("BENCH_CONNECTIONS", 16),
    workerConcurrency: positiveInt("WORKER_CONCURRENCY", 16),
    customers: positiveInt("BENCH_CUSTOMERS", 300),
    backfillOrders: positiveInt("BENCH_BACKFILL_ORDERS", 100_000),
    backfillCustomers: positiveInt("BENCH_BACKFILL_CUSTOMERS", 20_000),
    backfillChunk: positiveInt("BENCH_BACKFILL_CHUNK", 2_000),
    tierMembers: positiveInt("BENCH_TIER_MEMBERS", 100_000),
    tierSyncMembers: positiveInt("BENCH_TIER_SYNC_MEMBERS", 10_000),
    tierMoved: positiveInt("BENCH_TIER_MOVED", 5_000),
    tierFlushMembers: positiveInt("BENCH_TIER_FLUSH_MEMBERS", 100_000),
    tierFlushAtPercent: positiveInt("BENCH_TIER_FLUSH_AT_PERCENT", 20),
    tierRedisDb: positiveInt("BENCH_TIER_REDIS_DB", 13),
    proxySeconds: positiveInt("BENCH_PROXY_SECONDS", 10),
    // The issue leaves the concurrency to us. 16 keeps one web process and
    // PostgreSQL busy on two cores; more in flight adds no throughput, only
    // queueing (p99 grows with it for both servers: the sweep in
    // docs/benchmarks.md shows 8 to 64).
    proxyConnections: positiveInt("BENCH_PROXY_CONNECTIONS", 16),
    proxyMembers: positiveInt("BENCH_PROXY_MEMBERS", 10_000),
    pgbenchClients: 8,
    pgbenchThreads: 2,
    // Fixed to this machine on purpose: the load is only ever aimed at 127.0.0.1.
    adminUrl: "postgresql://postgres@127.0.0.1:5432/postgres",
    redisUrl: "redis://127.0.0.1:6379",
  };
}
