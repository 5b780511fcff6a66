import { afterAll, beforeAll } from "vitest";
import { prisma } from "~/db.server";
import { setupShopifyStandIn } from "#test/mocks/shopify/setup-server";
import type { ShopifyStandIn, ShopifyStandInOptions } from "#test/mocks/shopify/stand-in";
import { installedShop } from "./shops";

/** The Shopify stand-in, intercepting Shopify's URLs for the whole test file. */
export function standInDuringFile(options?: ShopifyStandInOptions): ShopifyStandIn {
  const shopify = setupShopifyStandIn({
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    options,
  });
  beforeAll(() => shopify.listen());
  afterAll(() => shopify.close());
  return shopify.standIn;
}

/**
 * A Tally shop connected to a stand-in shop of the same name (its offline
 * session holds a token the stand-in issued), with one customer.
 */
export async function connectedShop(standIn: ShopifyStandIn, label: string) {
  const shop = await installedShop({ label });
  standIn.addShop({ domain: shop, currencyCode: "USD" });
  const { token, scope } = standIn.issueToken(shop, { kind: "offline", expiring: false });
  await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: token, scope } });
  const customerId = standIn.addCustomer(shop, { firstName: "Ada" });
  return { shop, customerId };
}
