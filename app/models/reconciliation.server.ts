import { prisma } from "~/db.server";
import type { EarningRules } from "~/domain/earning-rules";
import {
  reachedEarnEvent,
  refundFromGraphql,
  type GqlOrder,
  type GqlOrderSummary,
} from "~/domain/order-graphql";
import type { AdminClient } from "~/services/admin-client.server";
import { fetchOrder, MAX_REFUND_LINES, ordersUpdatedSince } from "~/services/recent-orders.server";
import { backfillOrders } from "./backfill.server";
import { erasedAmong } from "./erasure.server";
import { recordCancellation, recordRefund } from "./order-points.server";
import { rulesFrom } from "./program.server";

export interface ReconciliationReport {
  /** Orders Shopify reported as updated in the window. */
  orders: number;
  /** Orders read in full because the ledger had missed something about them. */
  fetched: number;
  earned: number;
  refunds: number;
  cancellations: number;
  /** Orders Shopify returned that Tally could not read, with the reason (also in the audit log). */
  refused: string[];
}

/**
 * Shopify does not guarantee webhook delivery. Reads every order updated
 * since `since` and feeds whatever the ledger has not seen (an earn, a
 * refund, a cancellation) through the same keyed paths the webhooks use, so
 * running it twice, or alongside the webhooks, changes nothing. Only orders
 * with a gap are read in full: a healthy shop costs one cheap list query per
 * hundred orders.
 */
export async function reconcileShop(
  shop: string,
  client: AdminClient,
  since: Date,
  now: Date = new Date(),
): Promise<ReconciliationReport> {
  const report: ReconciliationReport = {
    orders: 0,
    fetched: 0,
    earned: 0,
    refunds: 0,
    cancellations: 0,
    refused: [],
  };
  const settings = await prisma.programSettings.findUnique({ where: { shop } });
  if (!settings) return report;
  const rules = rulesFrom(settings);

  for await (const page of ordersUpdatedSince(client, since)) {
    report.orders += page.length;
    const gaps = await findGaps(shop, rules, page);
    for (const orderGid of gaps.cancelled) {
      const settlement = await recordCancellation(shop, orderGid);
      if (settlement.outcome !== "order already cancelled") report.cancellations++;
    }
    const fetched: GqlOrder[] = [];
    for (const orderGid of new Set([...gaps.unearned, ...gaps.refunded.keys()])) {
      const read = await fetchOrder(client, orderGid, gaps.refunded.has(orderGid));
      if (!read) continue;
      fetched.push(read.order);
      for (const refundGid of read.truncated) {
        gaps.refunded.get(orderGid)?.delete(refundGid);
        report.refused.push(`${refundGid}: more than ${MAX_REFUND_LINES} lines; left to its webhook`);
      }
    }
    report.fetched += fetched.length;
    report.earned += await earnMissed(
      shop,
      rules,
      fetched.filter((o) => gaps.unearned.includes(o.id)),
      now,
      report,
    );
    for (const order of fetched) {
      const missing = gaps.refunded.get(order.id);
      for (const refund of order.refunds.filter((r) => missing?.has(r.id))) {
        const parsed = refundFromGraphql(order.id, refund);
        if (!parsed.ok) {
          report.refused.push(`${refund.id}: ${parsed.reason}`);
          continue;
        }
        const settlement = await recordRefund(shop, parsed.value);
        if (settlement.outcome !== "refund already recorded") report.refunds++;
      }
    }
  }
  if (report.earned || report.refunds || report.cancellations || report.refused.length) {
    await prisma.auditLog.create({
      data: { shop, action: "reconciliation.filled", details: { since: since.toISOString(), ...report } },
    });
  }
  return report;
}

interface Gaps {
  cancelled: string[];
  /** Orders that should have earned and the ledger has no sign of. */
  unearned: string[];
  /** Orders with refunds the ledger has not recorded, and which. */
  refunded: Map<string, Set<string>>;
}

/**
 * What the ledger missed about a page of orders. An earn counts as seen once
 * the order has earned or a delivery of the shop's earn event for it was
 * accepted (even if it earned nothing); a delivery that was rejected as
 * malformed, or that the database refused, is not, so the order's real data
 * gets a second chance here.
 */
async function findGaps(shop: string, rules: EarningRules, page: GqlOrderSummary[]): Promise<Gaps> {
  // Orders of erased customers are not read back: that would bring them back.
  const erased = await erasedAmong(prisma, shop, [
    ...page.map((o) => o.id),
    ...page.map((o) => o.customer?.id ?? null),
  ]);
  page = page.filter((o) => !erased.has(o.id) && !(o.customer && erased.has(o.customer.id)));
  const gids = page.map((o) => o.id);
  const [known, delivered, refunds] = await Promise.all([
    prisma.orderPoints.findMany({
      where: { shop, orderGid: { in: gids } },
      select: { orderGid: true, earned: true, cancelled: true },
    }),
    prisma.webhookDelivery.findMany({
      where: {
        shop,
        subjectGid: { in: gids },
        topic: rules.earnOn,
        status: { notIn: ["REJECTED", "FAILED"] },
      },
      select: { subjectGid: true },
    }),
    prisma.orderRefund.findMany({ where: { shop, orderGid: { in: gids } }, select: { refundGid: true } }),
  ]);
  const state = new Map(known.map((k) => [k.orderGid, k]));
  const deliveredEarn = new Set(delivered.map((d) => d.subjectGid));
  const seenRefunds = new Set(refunds.map((r) => r.refundGid));

  const gaps: Gaps = { cancelled: [], unearned: [], refunded: new Map() };
  for (const order of page) {
    const row = state.get(order.id);
    if (order.cancelledAt && !row?.cancelled) gaps.cancelled.push(order.id);
    const shouldEarn =
      !order.cancelledAt &&
      order.customer !== null &&
      (!order.test || rules.earnOnTestOrders) &&
      reachedEarnEvent(order, rules.earnOn);
    if (shouldEarn && !row?.earned && !deliveredEarn.has(order.id)) gaps.unearned.push(order.id);
    const missing = order.refunds.map((r) => r.id).filter((id) => !seenRefunds.has(id));
    if (missing.length) gaps.refunded.set(order.id, new Set(missing));
  }
  return gaps;
}

/** Earns the orders the ledger missed through the backfill path (the webhooks' earn path, in bulk). */
async function earnMissed(
  shop: string,
  rules: EarningRules,
  orders: GqlOrder[],
  now: Date,
  report: ReconciliationReport,
): Promise<number> {
  const result = await backfillOrders(shop, rules, [orders], { via: "reconciliation" }, now);
  report.refused.push(...result.refused);
  return result.earned;
}
