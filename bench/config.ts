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
    pgbenchClients: 8,
    pgbenchThreads: 2,
    // Fixed to this machine on purpose: the load is only ever aimed at 127.0.0.1.
    adminUrl: "postgresql://postgres@127.0.0.1:5432/postgres",
    redisUrl: "redis://127.0.0.1:6379",
  };
}
