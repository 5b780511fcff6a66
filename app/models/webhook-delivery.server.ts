import { prisma } from "~/db.server";
import type { DeliveryStatus } from "~/generated/prisma/client";

export interface NewDelivery {
  shop: string;
  webhookId: string;
  topic: string;
  eventId?: string | null;
  triggeredAt?: Date | null;
  apiVersion?: string | null;
  subjectGid?: string | null;
  customerGid?: string | null;
  payload?: unknown;
  status: DeliveryStatus;
  outcome?: string | null;
}

export interface RecordedDelivery {
  id: bigint;
  status: DeliveryStatus;
  /** False when Shopify delivered this X-Shopify-Webhook-Id before. */
  firstDelivery: boolean;
}

/**
 * Records a delivery once per (shop, X-Shopify-Webhook-Id) in one statement.
 * A redelivery only bumps `attempts`, so support can see Shopify retried.
 */
export async function recordDelivery(delivery: NewDelivery): Promise<RecordedDelivery> {
  const payload = delivery.payload === undefined ? null : JSON.stringify(delivery.payload);
  const rows = await prisma.$queryRaw<Array<{ id: bigint; status: DeliveryStatus; inserted: boolean }>>`
    INSERT INTO "WebhookDelivery"
      ("shop", "webhookId", "topic", "eventId", "triggeredAt", "apiVersion",
       "subjectGid", "customerGid", "payload", "status", "outcome", "attempts",
       "processedAt")
    VALUES
      (${delivery.shop}, ${delivery.webhookId}, ${delivery.topic}, ${delivery.eventId ?? null},
       ${delivery.triggeredAt ?? null}, ${delivery.apiVersion ?? null}, ${delivery.subjectGid ?? null},
       ${delivery.customerGid ?? null}, ${payload}::jsonb, ${delivery.status}::"DeliveryStatus",
       ${delivery.outcome ?? null}, 1,
       CASE WHEN ${delivery.status} = 'PENDING' THEN NULL ELSE now() END)
    ON CONFLICT ("shop", "webhookId")
      DO UPDATE SET "attempts" = "WebhookDelivery"."attempts" + 1
    RETURNING "id", "status", (xmax = 0) AS "inserted"`;
  const row = rows[0]!;
  return { id: row.id, status: row.status, firstDelivery: row.inserted };
}

export interface ClaimedDelivery {
  id: bigint;
  shop: string;
  topic: string;
  payload: unknown;
}

/**
 * The oldest pending delivery of a shop that is not an orders/paid (those are
 * processed in batches by awardPaidOrders). One drain runs per shop at a
 * time (BullMQ deduplication), so no lock is held across its processing.
 */
export async function claimNextPending(shop: string): Promise<ClaimedDelivery | null> {
  return prisma.webhookDelivery.findFirst({
    where: { shop, status: "PENDING", topic: { not: "ORDERS_PAID" } },
    orderBy: { id: "asc" },
    select: { id: true, shop: true, topic: true, payload: true },
  });
}

/** Shops with deliveries still pending after `olderThan`: their queued drain may have been lost with Redis. */
export async function findShopsWithStalePending(olderThan: Date): Promise<string[]> {
  const rows = await prisma.webhookDelivery.findMany({
    where: { status: "PENDING", receivedAt: { lt: olderThan } },
    distinct: ["shop"],
    select: { shop: true },
    take: 1_000,
  });
  return rows.map((row) => row.shop);
}

/** Gives a pending delivery its final status, visible to support. */
export async function settleDelivery(
  id: bigint,
  status: Exclude<DeliveryStatus, "PENDING">,
  outcome: string,
): Promise<void> {
  await prisma.webhookDelivery.updateMany({
    where: { id, status: "PENDING" },
    data: { status, outcome, processedAt: new Date() },
  });
}
