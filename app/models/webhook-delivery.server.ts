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

export async function findDelivery(id: bigint) {
  return prisma.webhookDelivery.findUnique({ where: { id } });
}

/** Deliveries still waiting for a worker: their queue job may have been lost with Redis. */
export async function findStalePending(olderThan: Date, limit: number) {
  return prisma.webhookDelivery.findMany({
    where: { status: "PENDING", receivedAt: { lt: olderThan } },
    select: { id: true, topic: true },
    orderBy: { id: "asc" },
    take: limit,
  });
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
