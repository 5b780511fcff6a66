// The demo's web process: the production server (server/index.ts) with the
// Shopify stand-in answering every request the app makes to *.myshopify.com,
// and the workers. The stand-in starts first so msw's fetch interception is
// in place before the app loads (see docs/decisions/0004-local-demo.md); the
// workers run here too because they call Shopify (tier write-back,
// reconciliation) and the stand-in's state lives in this process.
import { setupShopifyStandIn } from "../../test/mocks/shopify/setup-server";
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
