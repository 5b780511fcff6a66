import { prisma } from "~/db.server";
import type { AdminGraphql } from "~/services/admin-graphql.server";
import { fetchShopCurrency } from "~/services/shop-info.server";
import { forgetCachedSessions } from "./session.server";

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
}
