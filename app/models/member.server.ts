import { prisma } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";

type Tx = Prisma.TransactionClient;

/** The member for a Shopify customer, created on first sight. */
export async function ensureMember(tx: Tx, shop: string, customerGid: string): Promise<string> {
  const member = await tx.member.upsert({
    where: { shop_customerGid: { shop, customerGid } },
    create: { shop, customerGid },
    update: {},
    select: { id: true },
  });
  return member.id;
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
