// The demo's web process: the production server (server/index.ts) with the
// Shopify stand-in answering every request the app makes to *.myshopify.com,
// the workers, and the shop's storefront. The stand-in starts first so msw's
// fetch interception is in place before the app loads (see
// docs/decisions/0004-local-demo.md); the workers and the storefront run here
// too because they call Shopify or read it (tier write-back, the customer and
// app metafields the theme extension renders) and the stand-in's state lives
// in this process.
import { setupShopifyStandIn } from "../../test/mocks/shopify/setup-server";
import { startStorefrontPreview } from "../../test/mocks/storefront/server";
import { DEMO_CUSTOMERS } from "./seed";

const shopify = setupShopifyStandIn({
  apiKey: process.env.SHOPIFY_API_KEY!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
});
const shop = process.env.DEMO_SHOP!;
shopify.standIn.addShop({ domain: shop, currencyCode: "USD", name: "Tally Demo Store" });
for (const customer of DEMO_CUSTOMERS) shopify.standIn.addCustomer(shop, customer);
shopify.listen();
console.info(`[stand-in] answering Shopify requests for ${shop}`);

await import("../../server/index");
await import("../../workers/index");

const storefront = await startStorefrontPreview({
  standIn: shopify.standIn,
  shop,
  appUrl: process.env.SHOPIFY_APP_URL!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
  port: Number(process.env.STOREFRONT_PORT ?? 3001),
  host: "::",
});
console.info(`[storefront] ${shop}'s storefront on ${storefront.url}`);
