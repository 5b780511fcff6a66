import { prisma } from "~/db.server";
import { recoverOwed } from "./order-points.server";

interface DueOrder {
  shop: string;
  orderGid: string;
  customerGid: string;
  pendingPoints: number;
}

/**
 * Makes pending order points spendable once their pending period is over:
 * one RELEASE entry per order (keyed on it, so a second run releases nothing
 * twice) moving what the order still holds from the pending balance to the
 * spendable one, then recovers what the member owes from it. Works through
 * every shop in batches of `limit` orders (SKIP LOCKED, so two runs share
 * nothing); returns how many orders were released.
 */
export async function releaseDuePoints(now: Date, limit = 1_000): Promise<number> {
  let released = 0;
  for (;;) {
    const batch = await releaseBatch(now, limit);
    released += batch;
    if (batch < limit) return released;
  }
}

async function releaseBatch(now: Date, limit: number): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const due = await tx.$queryRaw<DueOrder[]>`
      SELECT "shop", "orderGid", "customerGid", "pendingPoints" FROM "OrderPoints"
      WHERE "pendingPoints" > 0 AND "releaseAt" <= ${now}::timestamp
      ORDER BY "shop", "orderGid" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (due.length === 0) return 0;

    const entries = await tx.$queryRaw<
      Array<{ shop: string; memberId: string; points: number; key: string }>
    >`
      INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "pendingPoints", "reason", "source", "idempotencyKey", "details")
      SELECT d.shop, m."id", 'RELEASE', d.points, -d.points,
             d.points || ' pending points from this order are now spendable (pending period over)',
             d.order_gid, 'release:' || d.order_gid,
             jsonb_build_object('order', d.order_gid, 'releasedAt', ${now.toISOString()}::text)
      FROM unnest(${due.map((d) => d.shop)}::text[], ${due.map((d) => d.orderGid)}::text[],
                  ${due.map((d) => d.customerGid)}::text[], ${due.map((d) => d.pendingPoints)}::int[])
        AS d(shop, order_gid, customer_gid, points)
      JOIN "Member" m ON m."shop" = d.shop AND m."customerGid" = d.customer_gid
      ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
      RETURNING "shop", "memberId"::text, "points", "idempotencyKey" AS key`;

    const byMember = new Map<string, number>();
    for (const e of entries) byMember.set(e.memberId, (byMember.get(e.memberId) ?? 0) + e.points);
    const memberIds = [...byMember.keys()].sort();
    if (memberIds.length > 0) {
      // Locked first, in the order earnOrders locks them (shop, then customer
      // GID; UPDATE … FROM picks its own order), so a concurrent earn for the
      // same members waits instead of deadlocking.
      await tx.$queryRaw`
        SELECT 1 FROM "Member" WHERE "id" = ANY(${memberIds}::uuid[]) ORDER BY "shop", "customerGid" FOR UPDATE`;
      await tx.$executeRaw`
        UPDATE "Member" AS m
        SET "points" = m."points" + v.points, "pendingPoints" = m."pendingPoints" - v.points, "updatedAt" = now()
        FROM unnest(${memberIds}::uuid[], ${memberIds.map((id) => byMember.get(id)!)}::int[]) AS v(id, points)
        WHERE m."id" = v.id`;
    }
    await tx.$executeRaw`
      UPDATE "OrderPoints" AS o SET "pendingPoints" = 0, "updatedAt" = now()
      FROM unnest(${due.map((d) => d.shop)}::text[], ${due.map((d) => d.orderGid)}::text[]) AS v(shop, order_gid)
      WHERE o."shop" = v.shop AND o."orderGid" = v.order_gid`;

    const shops = [...new Set(entries.map((e) => e.shop))];
    for (const shop of shops) {
      await recoverOwed(
        tx,
        shop,
        entries
          .filter((e) => e.shop === shop)
          .map((e) => ({ memberId: e.memberId, key: e.key, points: e.points })),
      );
    }
    return due.length;
  });
}
