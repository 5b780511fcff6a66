import { randomBytes } from "node:crypto";
import { inject } from "vitest";

// Runs in each test worker before a test file loads, so app modules that
// read the environment (app/env.server.ts) see this run's resources.

// Always the run's own database and queue prefix: a developer's DATABASE_URL
// must never receive test data.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = inject("redisUrl");
// One queue prefix per test file (under the run's, which teardown deletes):
// a job one file leaves queued, say a Shopify sync for a shop whose Shopify
// stand-in lives in that file, must not be run by the next file's workers.
process.env.TALLY_QUEUE_PREFIX = `${inject("queuePrefix")}:${randomBytes(4).toString("hex")}`;

const defaults: Record<string, string> = {
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret",
  SHOPIFY_APP_URL: "https://tally.test",
  SCOPES: "read_orders,read_customers,write_customers",
  NODE_ENV: "test",
  // Test shops are not on any Shopify; reconciliation tests run it themselves.
  RECONCILE_EVERY_MINUTES: "0",
};
for (const [name, value] of Object.entries(defaults)) {
  process.env[name] ??= value;
}
