import { prisma } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";

type Tx = Prisma.TransactionClient;

/**
 * The member for a Shopify customer, created on first sight. One atomic
 * statement: Prisma's upsert reads then inserts, and two orders from a new
 * customer processed at once would collide on the unique key.
 */
export async function ensureMember(tx: Tx, shop: string, customerGid: string): Promise<string> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO "Member" ("id", "shop", "customerGid", "updatedAt")
    VALUES (gen_random_uuid(), ${shop}, ${customerGid}, now())
    ON CONFLICT ("shop", "customerGid") DO UPDATE SET "shop" = EXCLUDED."shop"
    RETURNING "id"::text`;
  return rows[0]!.id;
}

/**
 * The balance a storefront may show. Always scoped by shop: the same customer
 * id in another shop is another person.
 */
export async function findMemberPoints(shop: string, customerGid: string): Promise<number | null> {
  const member = await prisma.member.findUnique({
    where: { shop_customerGid: { shop, customerGid } },
    select: { points: true },
  });
  return member?.points ?? null;
}
