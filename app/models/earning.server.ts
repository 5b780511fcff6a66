import { prisma } from "~/db.server";
import { formatMinor } from "~/domain/money";
import { eligibleBase } from "~/domain/order";
import { parseOrderPayload } from "~/domain/order-payload";
import { formatEarnRate, parseEarnRate, pointsFor } from "~/domain/points";
import { ensureMember } from "./member.server";
import { postEntry } from "./ledger.server";

export interface PendingDelivery {
  id: bigint;
  shop: string;
  payload: unknown;
}

export type Settlement = { status: "PROCESSED" | "IGNORED" | "REJECTED"; outcome: string };

export const earnKeyFor = (orderGid: string) => `earn:${orderGid}`;

/**
 * orders/paid → one EARN entry per order, keyed on the order's GID, posted in
 * the same transaction that settles the delivery. Each entry keeps how it was
 * computed, so later clawbacks use the rate that was earned, not today's.
 */
export async function awardOrderPoints(delivery: PendingDelivery): Promise<Settlement> {
  const parsed = parseOrderPayload(delivery.payload);
  if (!parsed.ok) return { status: "REJECTED", outcome: parsed.reason };
  const order = parsed.value;
  if (!order.customerGid) return { status: "IGNORED", outcome: "guest order: no customer to credit" };

  const settings = await prisma.programSettings.findUnique({ where: { shop: delivery.shop } });
  if (!settings) return { status: "IGNORED", outcome: "shop has no loyalty program set up" };
  const rate = parseEarnRate(settings.earnRate.toString());
  if (!rate) return { status: "REJECTED", outcome: `invalid earn rate ${settings.earnRate}` };

  const base = eligibleBase(order);
  const points = pointsFor(base, rate);
  const amount = `${formatMinor(base)} ${order.currency}`;
  if (points === 0) return { status: "PROCESSED", outcome: `order earns 0 points on ${amount}` };

  const customerGid = order.customerGid;
  return prisma.$transaction(async (tx) => {
    const memberId = await ensureMember(tx, delivery.shop, customerGid);
    const rateText = formatEarnRate(rate);
    const result = await postEntry(tx, {
      shop: delivery.shop,
      memberId,
      kind: "EARN",
      points,
      reason: `Order ${order.orderName ?? order.orderGid} paid: ${amount} at ${rateText} points per ${order.currency}`,
      source: order.orderGid,
      idempotencyKey: earnKeyFor(order.orderGid),
      details: {
        rule: "orders/paid",
        ruleVersion: settings.ruleVersion,
        rate: rateText,
        base: formatMinor(base),
        currency: order.currency,
        multiplier: "1",
        rounding: "floor",
        deliveryId: delivery.id.toString(),
      },
    });
    const outcome = result.posted
      ? `earned ${points} points (entry ${result.entryId})`
      : `order already earned (entry ${result.existingEntryId})`;
    await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "PENDING" },
      data: { status: "PROCESSED", outcome, processedAt: new Date() },
    });
    return { status: "PROCESSED" as const, outcome };
  });
}
