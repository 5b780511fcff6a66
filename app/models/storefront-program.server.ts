// The `tally.program` app-data metafield's source, and the marks that say
// whether Shopify's copy is current (Shop.storefrontChangedAt / PublishedAt).
import { prisma } from "~/db.server";
import { parseEarnRate } from "~/domain/points";
import { storefrontProgram, type StorefrontProgram } from "~/domain/storefront-program";
import { requestShopifySync } from "~/jobs/sync-queue.server";
import { forgetShopParts } from "./storefront.server";

/**
 * The rules or rewards changed: Shopify's copy is stale. The mark is the
 * database's (the sweeper finds it if Redis loses the job); the job request
 * only makes the publish prompt.
 */
export async function markStorefrontChanged(shop: string): Promise<void> {
  forgetShopParts(shop);
  await markStorefrontStale(shop);
  await requestShopifySync(shop);
}

/** Only the mark: for a caller that publishes at once itself (the install). */
export async function markStorefrontStale(shop: string): Promise<void> {
  await prisma.$executeRaw`UPDATE "Shop" SET "storefrontChangedAt" = localtimestamp WHERE "domain" = ${shop}`;
}

/** What to publish, and the mark it answers; null when Shopify's copy is current. */
export async function unpublishedProgram(
  shop: string,
): Promise<{ mark: string; program: StorefrontProgram } | null> {
  const [row] = await prisma.$queryRaw<Array<{ mark: string | null }>>`
    SELECT to_char("storefrontChangedAt", 'YYYY-MM-DD"T"HH24:MI:SS.US') AS mark FROM "Shop"
    WHERE "domain" = ${shop}
      AND "storefrontChangedAt" IS NOT NULL
      AND ("storefrontPublishedAt" IS NULL OR "storefrontPublishedAt" < "storefrontChangedAt")`;
  if (!row?.mark) return null;
  const [shopRow, settings, rewards] = await Promise.all([
    prisma.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currencyCode: true } }),
    prisma.programSettings.findUnique({ where: { shop } }),
    prisma.reward.findMany({
      where: { shop, enabled: true },
      orderBy: [{ pointsCost: "asc" }, { createdAt: "asc" }],
      select: { name: true, kind: true, pointsCost: true },
    }),
  ]);
  if (!settings) return null;
  const earnRate = parseEarnRate(settings.earnRate.toString());
  if (!earnRate) throw new Error(`stored earn rate ${settings.earnRate} is not a valid rate`);
  const program = storefrontProgram({
    currency: shopRow.currencyCode,
    earnRate,
    rounding: settings.rounding,
    signupBonus: settings.signupBonus,
    rewards,
  });
  return { mark: row.mark, program };
}

/** Shopify holds the program as of `mark`; a change after it stays unpublished. */
export async function recordProgramPublished(shop: string, mark: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "Shop" SET "storefrontPublishedAt" = ${mark}::timestamp
    WHERE "domain" = ${shop} AND ("storefrontPublishedAt" IS NULL OR "storefrontPublishedAt" < ${mark}::timestamp)`;
}
