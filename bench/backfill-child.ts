// The app side of the backfill benchmark, run by bench/backfill.ts in a
// process of its own: the app's modules validate the environment and open
// their Prisma client when imported, so DATABASE_URL and the rest are set by
// the parent before this starts. Runs what reconciliation runs on the orders
// it found missing (orderFromGraphql, then earnOrders in one transaction per
// chunk) and writes its timings as JSON to BACKFILL_RESULT.
import { writeFile } from "node:fs/promises";
import { prisma } from "~/db.server";
import { orderFromGraphql, type GqlOrder } from "~/domain/order-graphql";
import type { EarningRules } from "~/domain/earning-rules";
import { earnOrders, type OrderReport } from "~/models/order-earning.server";
import { getEarningRules } from "~/models/program.server";
import { backfillOrder } from "./backfill-orders";
import { startCpuMeter } from "./cpu";

export interface BackfillChildResult {
  orders: number;
  earned: number;
  chunks: number;
  /** Wall time of the timed chunks: mapping plus transactions. */
  seconds: number;
  mappingSeconds: number;
  transactionSeconds: number;
  /** The slowest chunk, to tell a steady rate from one that degrades or stalls. */
  slowestChunkSeconds: number;
  /** CPU the app's process used in the timed chunks. */
  nodeCpuSeconds: number;
  /** CPU of this database's backends and the server's own processes over the run. */
  postgresCpuSeconds: number;
  /** Where the timed transactions' time went, statement by statement, in the order first run. */
  steps: Step[];
}

/** Time spent in one kind of statement (or BEGIN/COMMIT), as the app awaited it. */
export interface Step {
  label: string;
  calls: number;
  seconds: number;
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/** Accumulates the time of each step under its label. */
class Steps {
  private readonly byLabel = new Map<string, Step>();

  add(label: string, ms: number): void {
    const step = this.byLabel.get(label) ?? { label, calls: 0, seconds: 0 };
    step.calls++;
    step.seconds += ms / 1000;
    this.byLabel.set(label, step);
  }

  list(): Step[] {
    return [...this.byLabel.values()];
  }

  /**
   * The transaction client with every statement timed: raw SQL under its
   * first words, model calls under model.method. Only the awaited wall time
   * is counted, so Prisma's own work on a statement is included.
   */
  watch(tx: Tx): Tx {
    const timed =
      (label: (args: unknown[]) => string, run: (...args: unknown[]) => unknown) =>
      async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await run(...args);
        } finally {
          this.add(label(args), performance.now() - started);
        }
      };
    return new Proxy(tx, {
      get: (target, prop: string) => {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value === "function")
          return timed(
            (args) => sqlLabel(args[0]),
            (...args) => value.apply(target, args),
          );
        if (typeof value !== "object" || value === null) return value;
        return new Proxy(value, {
          get: (delegate, method: string) => {
            const call: unknown = Reflect.get(delegate, method);
            return typeof call === "function"
              ? timed(
                  () => `${prop}.${method}`,
                  (...args) => call.apply(delegate, args),
                )
              : call;
          },
        });
      },
    });
  }
}

/** `INSERT INTO "LedgerEntry"`, `UPDATE "Member"`, `SELECT … FROM "OrderPoints"`… from a tagged template's text. */
function sqlLabel(strings: unknown): string {
  const text = (Array.isArray(strings) ? strings.join("$") : String(strings)).replace(/\s+/g, " ").trim();
  const verb = /^(WITH|INSERT INTO|UPDATE|SELECT|DELETE FROM)\b/i.exec(text)?.[1]?.toUpperCase() ?? "SQL";
  if (verb === "SELECT") return `SELECT … FROM ${/\bFROM ("\w+")/.exec(text)?.[1] ?? "?"}`;
  if (verb === "WITH") return `WITH … ${/\b(INSERT INTO "\w+")/.exec(text)?.[1] ?? ""}`.trim();
  return `${verb} ${/^\w+(?: INTO| FROM)? ("\w+")/i.exec(text)?.[1] ?? ""}`.trim();
}

function need(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this module is started by bench/backfill.ts`);
  return value;
}

async function rulesOf(shop: string): Promise<EarningRules> {
  const rules = await getEarningRules(shop);
  if (!rules) throw new Error(`${shop} has no program settings`);
  return rules;
}

/** Orders as reconciliation hands them to earnOrders: mapped from Admin GraphQL's shape, refused if unreadable. */
function reportsFor(rules: EarningRules, orders: GqlOrder[]): OrderReport[] {
  return orders.map((order) => {
    const facts = orderFromGraphql(order);
    if (!facts.ok) throw new Error(`${order.id} refused: ${facts.reason}`);
    return { event: rules.earnOn, order: facts.value, origin: { via: "reconciliation" } };
  });
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * Backfills the first `orders` generated orders into `shop`, `chunk` per
 * transaction. Building the GraphQL nodes stands in for Shopify's answer, so
 * it is left out of the times; mapping them is not.
 */
async function backfill(shop: string, orders: number, customers: number, chunk: number) {
  const rules = await rulesOf(shop);
  const now = new Date();
  const run = { earned: 0, chunks: 0, mappingMs: 0, transactionMs: 0, slowestMs: 0, nodeCpuMs: 0 };
  const steps = new Steps();
  for (let from = 0; from < orders; from += chunk) {
    const nodes: GqlOrder[] = [];
    for (let index = from; index < Math.min(from + chunk, orders); index++)
      nodes.push(backfillOrder(index, customers));

    const cpu = process.cpuUsage();
    const started = performance.now();
    const reports = reportsFor(rules, nodes);
    const mapped = performance.now();
    let begun = mapped;
    let returned = mapped;
    const outcomes = await prisma.$transaction(async (tx) => {
      begun = performance.now();
      const outcomes = await earnOrders(steps.watch(tx), shop, rules, reports, now);
      returned = performance.now();
      return outcomes;
    });
    const committed = performance.now();
    steps.add("BEGIN", begun - mapped);
    steps.add("COMMIT", committed - returned);
    run.nodeCpuMs += cpuMs(cpu);

    run.earned += outcomes.filter((o) => o.kind === "earned").length;
    run.chunks++;
    run.mappingMs += mapped - started;
    run.transactionMs += committed - mapped;
    run.slowestMs = Math.max(run.slowestMs, committed - started);
  }
  return { ...run, steps: steps.list() };
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
    seconds: (run.mappingMs + run.transactionMs) / 1000,
    mappingSeconds: run.mappingMs / 1000,
    transactionSeconds: run.transactionMs / 1000,
    slowestChunkSeconds: run.slowestMs / 1000,
    nodeCpuSeconds: run.nodeCpuMs / 1000,
    postgresCpuSeconds: postgres.find((u) => u.role === "PostgreSQL")!.cpuMs / 1000,
    steps: run.steps,
  };
  await writeFile(need("BACKFILL_RESULT"), JSON.stringify(result));
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exitCode = 1;
  })
  .finally(() => prisma.$disconnect());
