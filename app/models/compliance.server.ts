import { prisma } from "~/db.server";
import type { CustomerPrivacyRequest } from "~/domain/compliance-payload";
import type { Prisma } from "~/generated/prisma/client";
import type { Settlement } from "./earning.server";
import { ERASED_OUTCOME, recordErasure } from "./erasure.server";

// The ledger's append-only trigger refuses DELETE unless the transaction
// declares itself a compliance erasure (prisma/migrations, init).
const allowErasure = (tx: Prisma.TransactionClient) => tx.$executeRaw`SET LOCAL tally.erasure = 'on'`;

/**
 * customers/data_request: assemble everything Tally holds on the customer and
 * keep it for the merchant, who must hand it over (admin: Compliance).
 */
export async function answerDataRequest(shop: string, request: CustomerPrivacyRequest): Promise<Settlement> {
  const member = await prisma.member.findUnique({
    where: { shop_customerGid: { shop, customerGid: request.customerGid } },
    include: { entries: { orderBy: { id: "asc" } } },
  });
  const data = {
    customer: request.customerGid,
    ordersRequested: request.orderGids,
    member: member
      ? {
          email: member.email,
          firstName: member.firstName,
          lastName: member.lastName,
          points: member.points,
          joinedAt: member.createdAt.toISOString(),
          ledger: member.entries.map((entry) => ({
            at: entry.createdAt.toISOString(),
            kind: entry.kind,
            points: entry.points,
            reason: entry.reason,
            source: entry.source,
          })),
        }
      : null,
  };
  const saved = await prisma.dataRequest.create({
    data: { shop, customerGid: request.customerGid, shopifyRequestId: request.shopifyRequestId, data },
  });
  await prisma.auditLog.create({
    data: {
      shop,
      action: "compliance.customers_data_request",
      subject: request.customerGid,
      details: { dataRequestId: saved.id.toString(), shopifyRequestId: request.shopifyRequestId },
    },
  });
  return {
    status: "PROCESSED",
    outcome: member
      ? `exported ${member.entries.length} ledger entries (data request ${saved.id})`
      : `customer is not a member; empty export saved (data request ${saved.id})`,
  };
}

/**
 * customers/redact: erase the member, their ledger entries, their data
 * exports, and the customer's id and payload from stored deliveries, and
 * leave tombstones (hashes of the customer's and orders' GIDs) so that no
 * late delivery, reconciliation or customers/create brings any of it back.
 */
export async function redactCustomer(shop: string, request: CustomerPrivacyRequest): Promise<Settlement> {
  const { customerGid } = request;
  const erased = await prisma.$transaction(async (tx) => {
    await allowErasure(tx);
    const members = await tx.member.deleteMany({ where: { shop, customerGid } });
    const known = await tx.orderPoints.findMany({ where: { shop, customerGid }, select: { orderGid: true } });
    const orderGids = [...new Set([...known.map((o) => o.orderGid), ...request.orderGids])];
    await recordErasure(tx, shop, [customerGid, ...orderGids]);
    await tx.orderRefund.deleteMany({ where: { shop, orderGid: { in: orderGids } } });
    await tx.orderPoints.deleteMany({ where: { shop, orderGid: { in: orderGids } } });
    await tx.orderPoints.deleteMany({ where: { shop, customerGid } });
    await tx.dataRequest.deleteMany({ where: { shop, customerGid } });
    // Deliveries about the customer or their orders (a refund names only the
    // order) keep their row for the log, but nothing of the customer; those
    // still waiting are settled here, so they never post. The erasure
    // requests themselves keep the customer's id, as the audit log does: the
    // merchant's record that it was done (and a second request still
    // waiting needs its own).
    await tx.$executeRaw`
      UPDATE "WebhookDelivery"
      SET "payload" = NULL, "customerGid" = NULL, "subjectGid" = NULL,
          "status" = CASE WHEN "status" = 'PENDING' THEN 'IGNORED'::"DeliveryStatus" ELSE "status" END,
          "outcome" = CASE WHEN "status" = 'PENDING' THEN ${ERASED_OUTCOME} ELSE "outcome" END,
          "processedAt" = COALESCE("processedAt", now())
      WHERE "shop" = ${shop} AND "topic" <> 'CUSTOMERS_REDACT'
        AND ("customerGid" = ${customerGid} OR "subjectGid" = ANY(${[customerGid, ...orderGids]}::text[]))`;
    await tx.auditLog.create({
      data: {
        shop,
        action: "compliance.customers_redact",
        subject: customerGid,
        details: { orders: orderGids.length },
      },
    });
    return members.count;
  });
  return {
    status: "PROCESSED",
    outcome: erased ? "member and ledger erased" : "customer was not a member; nothing held",
  };
}

/**
 * shop/redact (48 h after uninstall): erase everything Tally holds for the
 * shop. Refused while the shop is installed: a late or replayed request must
 * not wipe a live program.
 */
export async function redactShop(shop: string): Promise<Settlement> {
  const installed = await prisma.session.count({ where: { shop } });
  if (installed > 0) {
    return {
      status: "IGNORED",
      outcome: "shop has Tally installed; shop/redact applies only after uninstall",
    };
  }
  await prisma.$transaction(async (tx) => {
    await allowErasure(tx);
    await tx.shop.deleteMany({ where: { domain: shop } });
    await tx.orderRefund.deleteMany({ where: { shop } });
    await tx.orderPoints.deleteMany({ where: { shop } });
    await tx.dataRequest.deleteMany({ where: { shop } });
    await tx.auditLog.deleteMany({ where: { shop } });
    await tx.webhookDelivery.deleteMany({ where: { shop } });
  });
  console.info(`[compliance] shop/redact: erased all data for ${shop}`);
  return { status: "PROCESSED", outcome: "all shop data erased" };
}
