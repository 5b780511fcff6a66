import { prisma } from "~/db.server";
import type { DeliveryStatus } from "~/generated/prisma/client";
import { ERASED_OUTCOME } from "./erasure.server";

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
  /**
   * The delivery brings a customer's data (an order, a refund, a new
   * customer): if its customer or order was erased, it is kept as an
   * IGNORED row with nothing of theirs (app/models/erasure.server.ts).
   */
  guardErased?: boolean;
}

export interface RecordedDelivery {
  id: bigint;
  /** PENDING until a worker settles it; a redelivery of a settled webhook sees its final status. */
  status: DeliveryStatus;
}

interface Waiting {
  delivery: NewDelivery;
  resolve: (recorded: RecordedDelivery) => void;
  reject: (error: unknown) => void;
}

let waiting: Waiting[] = [];

/**
 * Records a delivery once per (shop, X-Shopify-Webhook-Id). A redelivery only
 * bumps `attempts`, so support can see Shopify retried.
 *
 * Deliveries arriving together are written together: calls made before the
 * event loop next runs its check phase share one INSERT (one commit), which
 * is what lets the webhook path keep up with Shopify's bursts. Each caller
 * still gets its own row's outcome, and duplicates within a batch count as
 * separate deliveries.
 */
export function recordDelivery(delivery: NewDelivery): Promise<RecordedDelivery> {
  return new Promise((resolve, reject) => {
    if (waiting.length === 0) setImmediate(flush);
    waiting.push({ delivery, resolve, reject });
  });
}

async function flush(): Promise<void> {
  const batch = waiting;
  waiting = [];
  const groups = new Map<string, Waiting[]>();
  for (const item of batch) {
    const key = `${item.delivery.shop}\n${item.delivery.webhookId}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  // Sorted so that two batches in flight at once take their row locks in the
  // same order and cannot deadlock on a webhook id both contain.
  const rows = [...groups.values()]
    .map((items) => ({ ...items[0]!.delivery, count: items.length }))
    .sort((a, b) => (a.shop + a.webhookId < b.shop + b.webhookId ? -1 : 1));
  try {
    const recorded = await retryOnDeadlock(() => insertDeliveries(rows));
    const byKey = new Map(recorded.map((r) => [`${r.shop}\n${r.webhookId}`, r]));
    for (const [key, items] of groups) {
      const row = byKey.get(key)!;
      for (const item of items) item.resolve({ id: row.id, status: row.status });
    }
  } catch (error) {
    for (const item of batch) item.reject(error);
  }
}

/**
 * PostgreSQL breaks a deadlock by failing one transaction; the statement
 * did nothing, so running it again is safe.
 */
async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
    }
  }
}

function isDeadlock(error: unknown): boolean {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })?.meta
    ?.driverAdapterError?.cause;
  return cause?.originalCode === "40P01";
}

type InsertedRow = { id: bigint; shop: string; webhookId: string; status: DeliveryStatus };

function insertDeliveries(rows: Array<NewDelivery & { count: number }>): Promise<InsertedRow[]> {
  const column = <T>(pick: (row: NewDelivery & { count: number }) => T) => rows.map(pick);
  return prisma.$queryRaw<InsertedRow[]>`
    INSERT INTO "WebhookDelivery"
      ("shop", "webhookId", "topic", "eventId", "triggeredAt", "apiVersion", "subjectGid",
       "customerGid", "payload", "status", "outcome", "attempts", "processedAt")
    SELECT t.shop, t.webhook_id, t.topic, t.event_id, t.triggered_at::timestamp(3), t.api_version,
           CASE WHEN e.erased THEN NULL ELSE t.subject_gid END,
           CASE WHEN e.erased THEN NULL ELSE t.customer_gid END,
           CASE WHEN e.erased THEN NULL ELSE t.payload::jsonb END,
           CASE WHEN e.erased THEN 'IGNORED' ELSE t.status END::"DeliveryStatus",
           CASE WHEN e.erased THEN ${ERASED_OUTCOME} ELSE t.outcome END,
           t.attempts, CASE WHEN t.status = 'PENDING' AND NOT e.erased THEN NULL ELSE now() END
    FROM unnest(
      ${column((r) => r.shop)}::text[], ${column((r) => r.webhookId)}::text[],
      ${column((r) => r.topic)}::text[], ${column((r) => r.eventId ?? null)}::text[],
      ${column((r) => r.triggeredAt?.toISOString() ?? null)}::text[], ${column((r) => r.apiVersion ?? null)}::text[],
      ${column((r) => r.subjectGid ?? null)}::text[], ${column((r) => r.customerGid ?? null)}::text[],
      ${column((r) => (r.payload === undefined ? null : JSON.stringify(r.payload)))}::text[],
      ${column((r) => r.status)}::text[], ${column((r) => r.outcome ?? null)}::text[],
      ${column((r) => r.count)}::int[], ${column((r) => r.guardErased ?? false)}::boolean[]
    ) AS t(shop, webhook_id, topic, event_id, triggered_at, api_version, subject_gid, customer_gid,
           payload, status, outcome, attempts, guard),
    LATERAL (SELECT t.guard AND (tally_erased(t.shop, t.customer_gid) OR tally_erased(t.shop, t.subject_gid))
             AS erased) AS e
    ON CONFLICT ("shop", "webhookId")
      DO UPDATE SET "attempts" = "WebhookDelivery"."attempts" + EXCLUDED."attempts"
    RETURNING "id", "shop", "webhookId", "status"`;
}

export interface ClaimedDelivery {
  id: bigint;
  shop: string;
  topic: string;
  subjectGid: string | null;
  payload: unknown;
}

/**
 * The oldest pending delivery of a shop that is not an order event (those are
 * processed in batches by awardOrders). One drain runs per shop at a
 * time (BullMQ deduplication), so no lock is held across its processing.
 */
export async function claimNextPending(shop: string): Promise<ClaimedDelivery | null> {
  return prisma.webhookDelivery.findFirst({
    where: { shop, status: "PENDING", topic: { notIn: ["ORDERS_PAID", "ORDERS_FULFILLED"] } },
    orderBy: { id: "asc" },
    select: { id: true, shop: true, topic: true, subjectGid: true, payload: true },
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

/** The outcome of a delivery for a shop that never installed Tally. */
export const NEVER_INSTALLED_OUTCOME = "shop never installed Tally";

// Anybody holding one validly signed body can send it for any number of
// made-up shops with made-up webhook ids. Rows for shops that never
// installed are kept for support up to this many a day, all such shops
// together; past it they are only counted in the log.
const NEVER_INSTALLED_ROWS_PER_DAY = 1_000;

/** Whether another delivery row for a shop that never installed may be written today. */
export async function roomForStrangerDelivery(): Promise<boolean> {
  const [{ count }] = await prisma.$queryRaw<[{ count: number }]>`
    SELECT count(*)::int AS count FROM (
      SELECT 1 FROM "WebhookDelivery"
      WHERE "status" = 'IGNORED' AND "receivedAt" > now() - interval '1 day'
        AND "outcome" = ${NEVER_INSTALLED_OUTCOME}
      LIMIT ${NEVER_INSTALLED_ROWS_PER_DAY}) AS recent`;
  return count < NEVER_INSTALLED_ROWS_PER_DAY;
}
