// The Shopify the sync benchmarks write to: the in-process stand-in the tests
// use (test/mocks/shopify), with a bucket so large it never throttles, so
// what is measured is Tally's side, not a simulated rate limit.
import { setupShopifyStandIn } from "../test/mocks/shopify/setup-server";
import type { ShopifyStandIn } from "../test/mocks/shopify/stand-in";
import { TAG_PREFIX } from "./tiers-seed";

export function startStandIn(apiKey: string, apiSecret: string): ShopifyStandIn {
  const server = setupShopifyStandIn({
    apiKey,
    apiSecret,
    options: { bucket: { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 } },
  });
  server.listen();
  // The stand-in logs every request for tests to inspect; over a 100,000-
  // member sync that log alone is tens of megabytes the collector walks again
  // and again. Nothing here reads it.
  setInterval(() => (server.standIn.requests.length = 0), 1_000).unref();
  return server.standIn;
}

/** What one customer should show in Shopify. */
export interface Expected {
  customerGid: string;
  tier: string;
  points: number;
}

/**
 * Customers among `expected` whose Shopify copy is wrong: the tier and
 * points metafields in Tally's namespace, and exactly one tier tag, the
 * right one. The shop's metafields are indexed once per call: the
 * stand-in's own lookup (`metafieldsOf`) scans them all per customer.
 */
export function wrongInShopify(standIn: ShopifyStandIn, shop: string, expected: readonly Expected[]): number {
  const namespace = standIn.expandNamespace("$app:tally");
  const values = new Map<string, string>();
  for (const m of standIn.state(shop).metafields) {
    if (m.namespace === namespace) values.set(`${m.ownerId} ${m.key}`, m.value);
  }
  let wrong = 0;
  for (const want of expected) {
    const tags = standIn.customer(shop, want.customerGid)?.tags ?? [];
    const tierTags = tags.filter((tag) => tag.startsWith(TAG_PREFIX));
    const right =
      values.get(`${want.customerGid} tier`) === want.tier &&
      values.get(`${want.customerGid} points_balance`) === String(want.points) &&
      tierTags.length === 1 &&
      tierTags[0] === `${TAG_PREFIX}${want.tier}`;
    if (!right) wrong++;
  }
  return wrong;
}
