import { setImmediate as yieldToIo } from "node:timers/promises";
import { prisma } from "~/db.server";
import type { EarningRules } from "~/domain/earning-rules";
import { orderFromGraphql, type GqlOrder } from "~/domain/order-graphql";
import {
  postPrepared,
  prepareEarnings,
  type OrderReport,
  type PreparedEarnings,
} from "./order-earning.server";

export interface BackfillResult {
  earned: number;
  /** Orders Shopify returned that Tally could not read, with the reason. */
  refused: string[];
}

// Orders mapped between two looks at the event loop, so the transaction in
// flight keeps moving while the next chunk is prepared.
const MAP_SLICE = 100;

// Chunks written at once, each in its own transaction. Chunks hold different
// orders, and members are locked in customer order by every writer, so they
// wait for each other rather than deadlock.
const WRITERS = 2;

/**
 * Earns orders read back from Shopify (reconciliation's gaps, or a whole
 * history), one transaction per chunk through earnOrders' two halves, the
 * same keyed path webhooks take. Mapping, validating and deciding the next
 * chunk overlaps writing the current one: Node and PostgreSQL each get a core
 * instead of taking turns.
 */
export async function backfillOrders(
  shop: string,
  rules: EarningRules,
  chunks: AsyncIterable<readonly GqlOrder[]> | Iterable<readonly GqlOrder[]>,
  origin: Record<string, string>,
  now: Date = new Date(),
): Promise<BackfillResult> {
  const result: BackfillResult = { earned: 0, refused: [] };
  const writing: Array<Promise<number>> = [];
  for await (const chunk of chunks) {
    const reports = await reportsFor(chunk, rules, origin, result.refused);
    const prepared = await prepareEarnings(shop, rules, reports, now);
    if (writing.length >= WRITERS) result.earned += await writing.shift()!;
    writing.push(write(shop, prepared));
  }
  for (const pending of writing) result.earned += await pending;
  return result;
}

async function write(shop: string, prepared: PreparedEarnings): Promise<number> {
  const outcomes = await prisma.$transaction((tx) => postPrepared(tx, shop, prepared));
  return outcomes.filter((o) => o.kind === "earned").length;
}

async function reportsFor(
  orders: readonly GqlOrder[],
  rules: EarningRules,
  origin: Record<string, string>,
  refused: string[],
): Promise<OrderReport[]> {
  const reports: OrderReport[] = [];
  for (const [index, order] of orders.entries()) {
    if (index > 0 && index % MAP_SLICE === 0) await yieldToIo();
    const facts = orderFromGraphql(order);
    if (facts.ok) reports.push({ event: rules.earnOn, order: facts.value, origin });
    else refused.push(`${order.id}: ${facts.reason}`);
  }
  return reports;
}
