import { prisma } from "~/db.server";
import { ONE, parseDecimal, type Decimal } from "~/domain/points";

/**
 * The earn multiplier of each member, by customer GID: their VIP tier's,
 * or 1× for members without a tier (and customers not yet members). The
 * points engine reads it through this hook only.
 */
export async function earnMultipliers(
  shop: string,
  customerGids: readonly string[],
): Promise<Map<string, Decimal>> {
  const multipliers = new Map(customerGids.map((gid): [string, Decimal] => [gid, ONE]));
  if (customerGids.length === 0) return multipliers;
  const tiered = await prisma.$queryRaw<Array<{ customerGid: string; multiplier: string }>>`
    SELECT m."customerGid", t."multiplier"::text AS "multiplier"
    FROM "Member" m JOIN "Tier" t ON t."id" = m."tierId" AND t."shop" = m."shop"
    WHERE m."shop" = ${shop} AND m."customerGid" = ANY(${[...customerGids]}::text[]) AND t."multiplier" <> 1`;
  for (const row of tiered) multipliers.set(row.customerGid, parseDecimal(row.multiplier) ?? ONE);
  return multipliers;
}
