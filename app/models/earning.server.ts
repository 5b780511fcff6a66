import { prisma } from "~/db.server";
import type { EarnEvent } from "~/domain/earning-rules";
import type { OrderFacts } from "~/domain/order";
import { parseOrderPayload } from "~/domain/order-payload";
import { REWARD_CODE_PREFIX } from "~/domain/redemption";
import { markCodesUsed } from "./redemption.server";
import { earnOrders, type EarnOutcome, type OrderReport } from "./order-earning.server";
import { rulesFrom } from "./program.server";

export type Settlement = { status: "PROCESSED" | "IGNORED" | "REJECTED"; outcome: string };

interface ClaimedDelivery {
  id: bigint;
  topic: EarnEvent;
  payload: unknown;
}

/**
 * orders/paid or orders/fulfilled deliveries (whichever the shop earns on) →
 * EARN entries, through earnOrders.
 *
 * Claims up to `limit` pending order deliveries of one shop (SKIP LOCKED, so
 * concurrent drains never share a delivery), earns on them and settles every
 * claimed delivery with what happened, all in one transaction (`onlyId`
 * narrows the claim to one delivery). Returns how many were claimed.
 */
export async function awardOrders(shop: string, limit: number, onlyId?: bigint): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<ClaimedDelivery[]>`
      SELECT "id", "topic", "payload" FROM "WebhookDelivery"
      WHERE "shop" = ${shop} AND "status" = 'PENDING' AND "topic" IN ('ORDERS_PAID', 'ORDERS_FULFILLED')
        AND (${onlyId?.toString() ?? null}::bigint IS NULL OR "id" = ${onlyId?.toString() ?? null}::bigint)
      ORDER BY "id" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (claimed.length === 0) return 0;

    const settings = await tx.programSettings.findUnique({ where: { shop } });
    const settlements = new Map<bigint, Settlement>();
    const reports: OrderReport[] = [];
    const reported: bigint[] = [];
    const codeUses: { orderGid: string; code: string }[] = [];
    for (const delivery of claimed) {
      const order = parseOrderPayload(delivery.payload);
      if (order.ok) codeUses.push(...tallyCodesOf(order.value));
      if (!settings) {
        settlements.set(delivery.id, { status: "IGNORED", outcome: "shop has no loyalty program set up" });
      } else if (!order.ok) {
        settlements.set(delivery.id, { status: "REJECTED", outcome: order.reason });
      } else {
        reports.push({
          event: delivery.topic,
          order: order.value,
          origin: { deliveryId: delivery.id.toString() },
        });
        reported.push(delivery.id);
      }
    }
    if (settings) {
      const outcomes = await earnOrders(tx, shop, rulesFrom(settings), reports);
      outcomes.forEach((outcome, index) => settlements.set(reported[index]!, settle(outcome)));
    }

    await markCodesUsed(tx, shop, codeUses);

    const ids = claimed.map((d) => d.id);
    await tx.$executeRaw`
      UPDATE "WebhookDelivery" AS w
      SET "status" = v.status::"DeliveryStatus", "outcome" = v.outcome, "processedAt" = now()
      FROM unnest(${ids.map((id) => id.toString())}::bigint[],
                  ${ids.map((id) => settlements.get(id)!.status)}::text[],
                  ${ids.map((id) => settlements.get(id)!.outcome)}::text[]) AS v(id, status, outcome)
      WHERE w."id" = v.id`;
    return claimed.length;
  });
}

function settle(outcome: EarnOutcome): Settlement {
  switch (outcome.kind) {
    case "earned":
      return {
        status: "PROCESSED",
        outcome: `earned ${outcome.points}${outcome.pending ? " pending" : ""} points (entry ${outcome.entryId})`,
      };
    case "already":
      return { status: "PROCESSED", outcome: `order already earned (${outcome.key})` };
    case "skipped":
      return { status: outcome.status, outcome: outcome.reason };
  }
}

/** The order's Tally reward codes (`TALLY-…`; Shopify matches codes ignoring case). */
function tallyCodesOf(order: OrderFacts): { orderGid: string; code: string }[] {
  return order.discountCodes
    .filter((code) => code.toUpperCase().startsWith(REWARD_CODE_PREFIX))
    .map((code) => ({ orderGid: order.orderGid, code }));
}

/** The shop's pending order deliveries, oldest first: what a batch would claim. */
export async function pendingOrderDeliveries(shop: string, limit: number): Promise<bigint[]> {
  const rows = await prisma.webhookDelivery.findMany({
    where: { shop, status: "PENDING", topic: { in: ["ORDERS_PAID", "ORDERS_FULFILLED"] } },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}
