import { prisma } from "~/db.server";

/** The name of the member's tier, null without one, undefined when they are not a member. */
export async function tierNameOf(shop: string, customerGid: string): Promise<string | null | undefined> {
  const member = await prisma.member.findUnique({ where: { shop_customerGid: { shop, customerGid } } });
  if (!member) return undefined;
  if (!member.tierId) return null;
  return (await prisma.tier.findUniqueOrThrow({ where: { id: member.tierId } })).name;
}
