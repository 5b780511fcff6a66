// The demo's web process: the built app behind Express, with the Shopify
// stand-in answering every request the app makes to *.myshopify.com.
// Production runs `npm start` (remix-serve) instead; the demo cannot, because
// remix-serve replaces the global fetch classes after start-up and msw's
// interception then breaks (see docs/decisions/0004-local-demo.md).
import { setupShopifyStandIn } from "../../test/mocks/shopify/setup-server";
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const shopify = setupShopifyStandIn({
  apiKey: process.env.SHOPIFY_API_KEY!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
});
shopify.standIn.addShop({ domain: process.env.DEMO_SHOP!, currencyCode: "USD", name: "Tally Demo Store" });
shopify.listen();

const root = new URL("../../", import.meta.url).pathname;
const buildPath = `${root}build/server/index.js`;
const app = express();
app.disable("x-powered-by");
app.use("/assets", express.static(`${root}build/client/assets`, { immutable: true, maxAge: "1y" }));
app.use(express.static(`${root}build/client`, { maxAge: "1h" }));
app.all("*", createRequestHandler({ build: await import(buildPath), mode: "production" }));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.info(`[web] Tally on http://localhost:${port}, Shopify stand-in for ${process.env.DEMO_SHOP}`));
