// Producers: app/jobs/drain-shop.server.ts (after a drain posted entries),
// app/models/tier-program.server.ts, and the sweeper in app/jobs/worker.server.ts.
// Consumer: the "tiers" worker in app/jobs/worker.server.ts.
import { shopQueue, type ShopJob } from "./shop-queue.server";

export const TIER_QUEUE = "tiers";

/** "Recalculate this shop's members whose balance moved." */
export type TierJob = ShopJob;

// A burst's later drains find the job still waiting and add nothing; the
// member's tier is still recorded within a couple of seconds of the order.
const tiers = shopQueue(TIER_QUEUE, 500);

export const requestTierRecalculation = tiers.request;
export const closeTierQueue = tiers.close;
