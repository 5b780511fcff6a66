// Producers: the "tiers" worker (after a recalculation), the daily run,
// app/models/tier-program.server.ts, and the sweeper in app/jobs/worker.server.ts.
// Consumer: app/jobs/run-shopify-sync.server.ts (via the worker).
import { shopQueue, type ShopJob } from "./shop-queue.server";

export const SYNC_QUEUE = "shopify-sync";

/** "Write this shop's marked members to Shopify: tier tag and `$app:tally` metafields." */
export type SyncJob = ShopJob;

// Requested after the tier job, which already gathered the burst.
const sync = shopQueue(SYNC_QUEUE, 200);

export const requestShopifySync = sync.request;
export const closeSyncQueue = sync.close;
