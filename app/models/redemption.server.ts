// A redemption's rows: reserve points, then either spend them (a REDEMPTION
// entry) or give them back. Shopify is called between the two by
// app/services/redeem.server.ts, never inside a transaction.
import { prisma } from "~/db.server";
import type { RewardSnapshot } from "~/domain/redemption";
import type { Prisma, Redemption, Reward } from "~/generated/prisma/client";
import { isUniqueViolation } from "./database-errors.server";
import { recoverOwed } from "./order-points.server";

export function snapshotOf(reward: Reward, currency: string): RewardSnapshot {
  return {
    kind: reward.kind,
    name: reward.name,
    pointsCost: reward.pointsCost,
    amount: reward.amount?.toString() ?? null,
    percentHundredths: reward.percentHundredths,
    minimumSubtotal: reward.minimumSubtotal?.toString() ?? null,
    combinesWith: {
      orderDiscounts: reward.combinesWithOrder,
      productDiscounts: reward.combinesWithProduct,
      shippingDiscounts: reward.combinesWithShipping,
    },
    codeValidDays: reward.codeValidDays,
    currency,
  };
}

export function findRedemptionByCustomer(shop: string, customerGid: string, idempotencyKey: string) {
  return prisma.redemption.findFirst({ where: { shop, idempotencyKey, member: { shop, customerGid } } });
}

export type Reservation =
  | { reserved: true; redemption: Redemption }
  | { reserved: false; reason: "insufficient_points" | "key_taken" };

/**
 * Phase one: records the request and moves the cost from `points` into
 * `reservedPoints`, in one statement: a conditional update (`points >=
 * cost`) feeding the insert. Fifty concurrent requests against a balance
 * that covers one queue on the member's row; the first moves the points and
 * the others find too few. A concurrent request with the same key fails the
 * unique index, which aborts the whole statement, update included. One
 * statement and no interactive transaction: a burst of clicks holds no pool
 * connection while it waits for the row.
 */
export async function reservePoints(input: {
  shop: string;
  memberId: string;
  rewardId: string;
  idempotencyKey: string;
  requestHash: string;
  reward: RewardSnapshot;
  code: string | null;
}): Promise<Reservation> {
  const cost = input.reward.pointsCost;
  let rows: Array<{ id: string }>;
  try {
    rows = await prisma.$queryRaw<Array<{ id: string }>>`
      WITH moved AS (
        UPDATE "Member" SET "points" = "points" - ${cost}, "reservedPoints" = "reservedPoints" + ${cost},
                            "updatedAt" = now()
        WHERE "id" = ${input.memberId}::uuid AND "shop" = ${input.shop} AND "points" >= ${cost}
        RETURNING "id"
      )
      INSERT INTO "Redemption" ("id", "shop", "memberId", "rewardId", "idempotencyKey", "requestHash",
                                "pointsCost", "reward", "code", "updatedAt")
      SELECT gen_random_uuid(), ${input.shop}, moved."id", ${input.rewardId}::uuid, ${input.idempotencyKey},
             ${input.requestHash}, ${cost}, ${JSON.stringify(input.reward)}::jsonb, ${input.code}, now()
      FROM moved
      RETURNING "id"::text`;
  } catch (error) {
    if (isUniqueViolation(error)) return { reserved: false, reason: "key_taken" };
    throw error;
  }
  const row = rows[0];
  if (!row) return { reserved: false, reason: "insufficient_points" };
  return { reserved: true, redemption: await prisma.redemption.findUniqueOrThrow({ where: { id: row.id } }) };
}

/**
 * Phase two, Shopify said yes: the reservation becomes a REDEMPTION entry
 * (the ledger's `points` column goes down by the cost; the member's `points`
 * already did). Conditional on the row still being PENDING, so a sweep that
 * settled it meanwhile is never settled twice.
 */
export async function completeRedemption(
  redemption: Redemption,
  result: { status: "ISSUED" | "CREDITED"; shopifyId: string; expiresAt: Date | null },
): Promise<Redemption | null> {
  const reward = redemption.reward as unknown as RewardSnapshot;
  return prisma.$transaction(async (tx) => {
    await lockMember(tx, redemption.memberId);
    const updated = await tx.redemption.updateMany({
      where: { id: redemption.id, status: "PENDING" },
      data: { status: result.status, shopifyId: result.shopifyId, expiresAt: result.expiresAt },
    });
    if (updated.count === 0) return null;
    await tx.$executeRaw`
      UPDATE "Member" SET "reservedPoints" = "reservedPoints" - ${redemption.pointsCost}, "updatedAt" = now()
      WHERE "id" = ${redemption.memberId}::uuid`;
    await insertEntry(tx, redemption, {
      kind: "REDEMPTION",
      points: -redemption.pointsCost,
      reason: `Redeemed for ${reward.name}`,
      key: `redemption:${redemption.id}`,
    });
    return tx.redemption.findUniqueOrThrow({ where: { id: redemption.id } });
  });
}

/**
 * Phase two, Shopify said no (or never answered and holds no code): the
 * reservation goes back to `points`, with no ledger entry (nothing was
 * spent), and the refusal is kept on the row and in the audit log.
 */
export async function releaseReservation(redemption: Redemption, failure: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    await lockMember(tx, redemption.memberId);
    const updated = await tx.redemption.updateMany({
      where: { id: redemption.id, status: "PENDING" },
      data: { status: "FAILED", failure },
    });
    if (updated.count === 0) return false;
    await tx.$executeRaw`
      UPDATE "Member" SET "points" = "points" + ${redemption.pointsCost},
                          "reservedPoints" = "reservedPoints" - ${redemption.pointsCost}, "updatedAt" = now()
      WHERE "id" = ${redemption.memberId}::uuid`;
    await tx.auditLog.create({
      data: {
        shop: redemption.shop,
        action: "redemption.failed",
        subject: redemption.id,
        details: { memberId: redemption.memberId, rewardId: redemption.rewardId, failure },
      },
    });
    return true;
  });
}

/**
 * An issued code expired unused: its points come back (REDEMPTION_RETURN,
 * keyed so a second sweep returns nothing) when the shop returns them, else
 * it is only marked EXPIRED.
 */
export async function expireRedemption(redemption: Redemption, returnPoints: boolean): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    await lockMember(tx, redemption.memberId);
    const updated = await tx.redemption.updateMany({
      where: { id: redemption.id, status: "ISSUED" },
      data: { status: returnPoints ? "RETURNED" : "EXPIRED" },
    });
    if (updated.count === 0) return false;
    if (!returnPoints) return true;
    await tx.$executeRaw`
      UPDATE "Member" SET "points" = "points" + ${redemption.pointsCost}, "updatedAt" = now()
      WHERE "id" = ${redemption.memberId}::uuid`;
    await insertEntry(tx, redemption, {
      kind: "REDEMPTION_RETURN",
      points: redemption.pointsCost,
      reason: `Code ${redemption.code} expired unused: points returned`,
      key: `redemption-return:${redemption.id}`,
    });
    // Points that come back repay a debt first, as earnings do.
    await recoverOwed(tx, redemption.shop, [
      {
        memberId: redemption.memberId,
        key: `redemption-return:${redemption.id}`,
        points: redemption.pointsCost,
      },
    ]);
    return true;
  });
}

/**
 * Every writer here takes the member's row before the redemption's, as
 * reservePoints does (its UPDATE, then its INSERT). The other order
 * deadlocked: a settle holding the redemption row and waiting for the
 * member, against a second request with the same key holding the member
 * and waiting on the unique index for that very row (a double click did it).
 */
async function lockMember(tx: Prisma.TransactionClient, memberId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Member" WHERE "id" = ${memberId}::uuid FOR UPDATE`;
}

async function insertEntry(
  tx: Prisma.TransactionClient,
  redemption: Redemption,
  entry: { kind: "REDEMPTION" | "REDEMPTION_RETURN"; points: number; reason: string; key: string },
) {
  const details = { redemptionId: redemption.id, rewardId: redemption.rewardId, code: redemption.code };
  await tx.$executeRaw`
    INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "reason", "source", "idempotencyKey", "details")
    VALUES (${redemption.shop}, ${redemption.memberId}::uuid, ${entry.kind}::"LedgerKind", ${entry.points},
            ${entry.reason}, ${`redemption:${redemption.id}`}, ${entry.key}, ${JSON.stringify(details)}::jsonb)`;
}

/**
 * Orders that used Tally codes: their redemptions are USED. Runs in the
 * earning transaction; codes are compared as Shopify does, ignoring case.
 */
export async function markCodesUsed(
  tx: Prisma.TransactionClient,
  shop: string,
  uses: ReadonlyArray<{ orderGid: string; code: string }>,
): Promise<number> {
  if (uses.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE "Redemption" r SET "status" = 'USED', "usedOrderGid" = u."orderGid", "updatedAt" = now()
    FROM jsonb_to_recordset(${JSON.stringify(uses)}::jsonb) AS u("orderGid" text, "code" text)
    WHERE r."shop" = ${shop} AND r."code" = upper(u."code") AND r."status" IN ('ISSUED', 'EXPIRED')`;
}

/** What a sweep has already seen: rows it settled or left, and shops it could not reach. */
export interface SweepSkip {
  ids: string[];
  shops: string[];
}

/** What every sweep leaves out: rows and shops it has seen, and uninstalled shops. */
function sweepable(skip: SweepSkip) {
  return {
    id: { notIn: skip.ids },
    shop: { notIn: skip.shops },
    // An uninstalled shop's codes wait for a reinstall: Shopify will not answer for it.
    shopRef: { installState: "INSTALLED" as const },
  };
}

/** Issued codes past their end by at least `graceMs`, oldest first. */
export function expiredCodes(now: Date, graceMs: number, limit: number, skip: SweepSkip) {
  return prisma.redemption.findMany({
    where: { status: "ISSUED", expiresAt: { lt: new Date(now.getTime() - graceMs) }, ...sweepable(skip) },
    orderBy: { expiresAt: "asc" },
    take: limit,
  });
}

/** Requests still PENDING after `olderThanMs`: their process died between reserve and Shopify. */
export function stalePending(now: Date, olderThanMs: number, limit: number, skip: SweepSkip) {
  return prisma.redemption.findMany({
    where: {
      status: "PENDING",
      createdAt: { lt: new Date(now.getTime() - olderThanMs) },
      ...sweepable(skip),
    },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
}
