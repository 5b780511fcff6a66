import { prisma } from "~/db.server";
/**
 * The balance a storefront may show. Always scoped by shop: the same customer
 * id in another shop is another person.
 */
export async function findMemberPoints(
  shop: string,
  customerGid: string,
): Promise<{ points: number; pendingPoints: number } | null> {
  return prisma.member.findUnique({
    where: { shop_customerGid: { shop, customerGid } },
    select: { points: true, pendingPoints: true },
  });
}
