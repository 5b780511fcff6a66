import { randomBytes } from "node:crypto";
import { prisma } from "~/db.server";

export const uniqueShop = (label = "shop") => `${label}-${randomBytes(4).toString("hex")}.myshopify.com`;

/**
 * A shop as it stands after Shopify's managed install: an offline session,
 * the shop row and default program settings. (The install itself, through
 * token exchange, is covered in install.test.ts.)
 */
export async function installedShop(
  options: { label?: string; currencyCode?: string; earnRate?: string } = {},
): Promise<string> {
  const shop = uniqueShop(options.label);
  await prisma.session.create({
    data: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_orders",
    },
  });
  await prisma.shop.create({ data: { domain: shop, currencyCode: options.currencyCode ?? "USD" } });
  await prisma.programSettings.create({ data: { shop, earnRate: options.earnRate ?? "1" } });
  return shop;
}
