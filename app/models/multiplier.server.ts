import { ONE, type Decimal } from "~/domain/points";

/**
 * The earn multiplier of each member, by customer GID: the hook through
 * which VIP tiers (issue 5) multiply earning without touching the points
 * engine. No tiers exist yet, so every member earns at 1×.
 */
export async function earnMultipliers(
  _shop: string,
  customerGids: readonly string[],
): Promise<Map<string, Decimal>> {
  return new Map(customerGids.map((gid) => [gid, ONE]));
}
