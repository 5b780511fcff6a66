// The app side of the backfill benchmark, run by bench/backfill.ts in a
// process of its own: the app's modules validate the environment and open
// their Prisma client when imported, so DATABASE_URL and the rest are set by
// the parent before this starts. Runs the path reconciliation posts missed
// orders through (backfillOrders: orderFromGraphql, then earnOrders in one
// transaction per chunk, the next chunk mapped while the current one is
// written) and writes its figures as JSON to BACKFILL_RESULT.
import { writeFile } from "node:fs/promises";
import { prisma } from "~/db.server";
import type { GqlOrder } from "~/domain/order-graphql";
import type { EarningRules } from "~/domain/earning-rules";
import { backfillOrders } from "~/models/backfill.server";
import { getEarningRules } from "~/models/program.server";
import { backfillOrder } from "./backfill-orders";
import { startCpuMeter } from "./cpu";
import { needEnv, runChild } from "./child";

export interface BackfillChildResult {
  orders: number;
  earned: number;
  chunks: number;
  /** Wall time of the backfill: mapping and writing, overlapped as the path overlaps them. */
  seconds: number;
  /** CPU the app's process used in the timed run. */
  nodeCpuSeconds: number;
  /** CPU of this database's backends and the server's own processes over the run. */
  postgresCpuSeconds: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const need = (name: string) => needEnv(name, "bench/backfill.ts");

async function rulesOf(shop: string): Promise<EarningRules> {
  const rules = await getEarningRules(shop);
  if (!rules) throw new Error(`${shop} has no program settings`);
  return rules;
}

/**
 * Backfills the first `orders` generated orders into `shop` through the app's
 * backfill path, `chunk` per transaction. The GraphQL nodes are built first
 * (they stand in for Shopify's answer and are not timed); mapping them and
 * everything the path writes are.
 */
async function backfill(shop: string, orders: number, customers: number, chunk: number) {
  const rules = await rulesOf(shop);
  const chunks: GqlOrder[][] = [];
  for (let from = 0; from < orders; from += chunk) {
    const nodes: GqlOrder[] = [];
    for (let index = from; index < Math.min(from + chunk, orders); index++)
      nodes.push(backfillOrder(index, customers));
    chunks.push(nodes);
  }
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await backfillOrders(shop, rules, chunks, { via: "benchmark" }, new Date());
  const ms = performance.now() - started;
  if (result.refused.length)
    throw new Error(`backfill refused ${result.refused.length}: ${result.refused[0]}`);
  return { earned: result.earned, chunks: chunks.length, ms, nodeCpuMs: cpuMs(cpu) };
}

/** This database's backends and the server's own processes (WAL writer, checkpointer), as bench/ingest.ts counts them. */
async function postgresPids(): Promise<number[]> {
  const rows = await prisma.$queryRaw<Array<{ pid: number }>>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR datname IS NULL`;
  return rows.map((row) => row.pid);
}

async function main(): Promise<void> {
  const orders = Number(need("BACKFILL_ORDERS"));
  const customers = Number(need("BACKFILL_CUSTOMERS"));
  const chunk = Number(need("BACKFILL_CHUNK"));

  // JIT, Prisma's query plans and the pool's connection warm up on a shop of their own.
  await backfill(need("BACKFILL_WARMUP_SHOP"), Math.min(orders, 2 * chunk), customers, chunk);

  // PostgreSQL idles while the next chunk is built, so its CPU over the whole run is the path's.
  const meter = startCpuMeter();
  const run = await backfill(need("BACKFILL_SHOP"), orders, customers, chunk);
  const postgres = meter.stop({ trees: {}, pids: { PostgreSQL: await postgresPids() }, comms: {} });

  const result: BackfillChildResult = {
    orders,
    earned: run.earned,
    chunks: run.chunks,
    seconds: run.ms / 1000,
    nodeCpuSeconds: run.nodeCpuMs / 1000,
    postgresCpuSeconds: postgres.find((u) => u.role === "PostgreSQL")!.cpuMs / 1000,
  };
  await writeFile(need("BACKFILL_RESULT"), JSON.stringify(result));
}

runChild(main, () => prisma.$disconnect(), false);
