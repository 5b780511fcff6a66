import { prisma } from "~/db.server";
import { adminQuery, type AdminGraphql } from "~/services/admin-graphql.server";
import { ensureCustomerMetafieldDefinitions } from "~/services/customer-sync.server";
import { fetchShopCurrency } from "~/services/shop-info.server";
import { publishStorefrontProgram } from "~/services/storefront-program.server";
import { forgetCachedSessions } from "./session.server";
import { forgetShopParts } from "./storefront.server";
import { clearShopSyncFailure, recordDefinitionsMade } from "./shopify-sync.server";
import { markStorefrontStale } from "./storefront-program.server";

/**
 * The app's after-install setup, run each time Shopify hands us a new offline
 * token (first install, reinstall). Idempotent: a reinstall keeps the
 * merchant's program settings and members.
 */
export async function runAfterInstall(shop: string, graphql: AdminGraphql): Promise<void> {
  const currencyCode = await fetchShopCurrency(graphql);
  await prisma.$transaction([
    prisma.shop.upsert({
      where: { domain: shop },
      create: { domain: shop, currencyCode },
      update: { installState: "INSTALLED", currencyCode, uninstalledAt: null },
    }),
    // New installs start with a working program: 1 point per unit of currency.
    prisma.programSettings.upsert({ where: { shop }, create: { shop }, update: {} }),
    prisma.auditLog.create({ data: { shop, action: "app.installed", details: { currencyCode } } }),
  ]);
  // A reinstall: the storefront answers again at once in this process.
  forgetShopParts(shop);
  await createMetafieldDefinitions(shop, graphql);
  await publishProgram(shop, graphql);
  // A new token (and its scopes): a sync that waited on the old one tries again.
  await clearShopSyncFailure(shop);
}

/**
 * The storefront's program (earn rate, rewards), so product pages show
 * points from the first view. Not fatal either: the sweeper finds the shop's
 * unpublished mark and the sync job publishes it.
 */
async function publishProgram(shop: string, graphql: AdminGraphql): Promise<void> {
  try {
    await markStorefrontStale(shop);
    await publishStorefrontProgram(shop, (query, variables) => adminQuery(graphql, query, variables));
  } catch (error) {
    console.warn(`[install] storefront program for ${shop} left to the sync: ${(error as Error).message}`);
  }
}

/**
 * The `$app:tally` customer metafield definitions, so Liquid and Functions
 * can read tier and balance from the start. Not fatal to the install: the
 * first Shopify sync makes them if this could not.
 */
async function createMetafieldDefinitions(shop: string, graphql: AdminGraphql): Promise<void> {
  try {
    await ensureCustomerMetafieldDefinitions((query, variables) => adminQuery(graphql, query, variables));
    await recordDefinitionsMade(shop);
  } catch (error) {
    console.warn(`[install] metafield definitions for ${shop} left to the sync: ${(error as Error).message}`);
  }
}

/** app/uninstalled: Shopify has revoked the token; forget it and say so. */
export async function markUninstalled(shop: string): Promise<void> {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shop.updateMany({
      where: { domain: shop },
      data: { installState: "UNINSTALLED", uninstalledAt: new Date() },
    }),
    prisma.auditLog.create({ data: { shop, action: "app.uninstalled" } }),
  ]);
  forgetCachedSessions(shop);
  forgetShopParts(shop);
}

/** Whether the shop ever installed Tally (its row stays after uninstall, until shop/redact). */
export async function wasEverInstalled(shop: string): Promise<boolean> {
  return (await prisma.shop.count({ where: { domain: shop } })) > 0;
}
