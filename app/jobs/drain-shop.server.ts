// Consumer of the "webhooks" queue (producer: app/jobs/webhook-queue.server.ts).
import { describeError, isRefusedByDatabase } from "~/models/database-errors.server";
import { awardOrders, pendingOrderDeliveries, type Settlement } from "~/models/earning.server";
import { claimNextPending, settleDelivery, type ClaimedDelivery } from "~/models/webhook-delivery.server";
import { hasTierProgram } from "~/models/tier-dirty.server";
import { topicEntryOf } from "~/webhook-topics.server";
import { requestTierRecalculation } from "./tier-queue.server";

const BATCH = 500;

/**
 * Processes every pending delivery of one shop. Safe to run any number of
 * times and concurrently: deliveries are claimed with SKIP LOCKED, and every
 * ledger write is keyed so that a second run posts nothing.
 */
export async function drainShop(shop: string): Promise<number> {
  let processed = 0;
  for (;;) {
    const orders = await awardOrdersIsolatingRefusals(shop);
    const others = await processOtherTopics(shop);
    processed += orders + others;
    if (orders < BATCH && others === 0) break;
  }
  // Balances moved: the members' tiers need a look (the marks are already
  // in the database; this only makes the look prompt).
  if (processed > 0 && (await hasTierProgram(shop))) await requestTierRecalculation(shop);
  return processed;
}

/**
 * A batch the database refuses (a value out of range, a CHECK) would be
 * refused again on every retry and hold up the whole shop. So the batch is
 * retried one delivery at a time, and a delivery refused on its own is
 * marked FAILED with the database's reason, for support to see, while the
 * rest post. Transient errors still fail the job, for BullMQ to retry.
 */
async function awardOrdersIsolatingRefusals(shop: string): Promise<number> {
  try {
    return await awardOrders(shop, BATCH);
  } catch (error) {
    if (!isRefusedByDatabase(error)) throw error;
  }
  let count = 0;
  for (const id of await pendingOrderDeliveries(shop, BATCH)) {
    try {
      count += await awardOrders(shop, 1, id);
    } catch (error) {
      if (!isRefusedByDatabase(error)) throw error;
      await failDelivery(shop, id, error);
      count++;
    }
  }
  return count;
}

/** Other topics are rarer: one at a time, each in its own transaction. */
async function processOtherTopics(shop: string): Promise<number> {
  let count = 0;
  for (let delivery = await claimNextPending(shop); delivery; delivery = await claimNextPending(shop)) {
    try {
      const settlement = await settle(delivery);
      await settleDelivery(delivery.id, settlement.status, settlement.outcome);
    } catch (error) {
      if (!isRefusedByDatabase(error)) throw error;
      await failDelivery(shop, delivery.id, error);
    }
    count++;
  }
  return count;
}

async function failDelivery(shop: string, id: bigint, error: unknown): Promise<void> {
  const reason = `the database refused it: ${describeError(error)}`;
  console.error(`[worker] delivery ${id} of ${shop} FAILED: ${reason}`);
  await settleDelivery(id, "FAILED", reason);
}

function settle(delivery: ClaimedDelivery): Promise<Settlement> {
  const processing = topicEntryOf(delivery.topic)?.processing;
  if (processing?.kind !== "queued") {
    return Promise.resolve({ status: "REJECTED", outcome: `no processor for ${delivery.topic}` });
  }
  return processing.run(delivery.shop, delivery.payload, delivery.subjectGid);
}
