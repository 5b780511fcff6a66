import { databaseUrl } from "../db/server";

// The local demo's fixed identity. The secret is public on purpose: it only
// ever signs requests between the demo's own processes on this machine.
export const DEMO = {
  shop: "tally-demo.myshopify.com",
  apiKey: "demo-api-key",
  apiSecret: "demo-api-secret",
  port: Number(process.env.PORT ?? 3000),
  // The local storefront (test/mocks/storefront/), with the theme extension and the app proxy.
  storefrontPort: Number(process.env.STOREFRONT_PORT ?? 3001),
  database: "tally_demo",
  queuePrefix: "tally_demo",
} as const;

export const appUrl = `http://localhost:${DEMO.port}`;
export const storefrontUrl = `http://localhost:${DEMO.storefrontPort}`;

export function demoEnv(databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    SHOPIFY_API_KEY: DEMO.apiKey,
    SHOPIFY_API_SECRET: DEMO.apiSecret,
    SHOPIFY_APP_URL: appUrl,
    SCOPES: "read_orders,read_customers,write_customers,read_discounts,write_discounts",
    PORT: String(DEMO.port),
    STOREFRONT_PORT: String(DEMO.storefrontPort),
    TALLY_QUEUE_PREFIX: DEMO.queuePrefix,
    // One web process: the Shopify stand-in keeps its state (issued tokens,
    // customers) in the process that runs it.
    WEB_CONCURRENCY: "1",
    DEMO_SHOP: DEMO.shop,
    // The workers run in the web process, beside the stand-in they call.
    RECONCILE_EVERY_MINUTES: "60",
  };
}

export const demoServerUrl = () =>
  process.env.DEMO_DATABASE_SERVER_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export const demoDatabaseUrl = () => databaseUrl(demoServerUrl(), DEMO.database);
