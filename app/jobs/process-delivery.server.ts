// Consumer of the "webhooks" queue (producer: app/jobs/webhook-queue.server.ts).
import type { CustomerPrivacyRequest } from "~/domain/compliance-payload";
import { answerDataRequest, redactCustomer, redactShop } from "~/models/compliance.server";
import { awardOrderPoints, type Settlement } from "~/models/earning.server";
import { findDelivery, settleDelivery } from "~/models/webhook-delivery.server";

/**
 * Processes one recorded delivery. Safe to run any number of times: a
 * delivery that is no longer PENDING is skipped, and every ledger write is
 * keyed so that a second run posts nothing.
 */
export async function processDelivery(deliveryId: bigint): Promise<string> {
  const delivery = await findDelivery(deliveryId);
  if (!delivery) return "delivery no longer exists";
  if (delivery.status !== "PENDING") return `already ${delivery.status.toLowerCase()}`;

  const settlement = await settle(delivery);
  // awardOrderPoints settles inside its own ledger transaction; this is a
  // no-op for it and the final word for every other outcome.
  await settleDelivery(delivery.id, settlement.status, settlement.outcome);
  return settlement.outcome;
}

function settle(delivery: NonNullable<Awaited<ReturnType<typeof findDelivery>>>): Promise<Settlement> {
  switch (delivery.topic) {
    case "ORDERS_PAID":
      return awardOrderPoints(delivery);
    case "CUSTOMERS_DATA_REQUEST":
      return answerDataRequest(delivery.shop, delivery.payload as unknown as CustomerPrivacyRequest);
    case "CUSTOMERS_REDACT":
      return redactCustomer(delivery.shop, delivery.payload as unknown as CustomerPrivacyRequest);
    case "SHOP_REDACT":
      return redactShop(delivery.shop);
    default:
      return Promise.resolve({ status: "REJECTED", outcome: `no processor for ${delivery.topic}` });
  }
}
