// The demo's web process: the production server (server/index.ts) with the
// Shopify stand-in answering every request the app makes to *.myshopify.com.
// The stand-in starts first so msw's fetch interception is in place before
// the app loads (see docs/decisions/0004-local-demo.md).
import { setupShopifyStandIn } from "../../test/mocks/shopify/setup-server";

const shopify = setupShopifyStandIn({
  apiKey: process.env.SHOPIFY_API_KEY!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
});
shopify.standIn.addShop({ domain: process.env.DEMO_SHOP!, currencyCode: "USD", name: "Tally Demo Store" });
shopify.listen();
console.info(`[stand-in] answering Shopify requests for ${process.env.DEMO_SHOP}`);

await import("../../server/index");
