import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { afterAll, afterEach, beforeAll } from "vitest";

import { shopifyHandlers } from "#test/mocks/shopify/handlers";
import { setupShopifyStandIn } from "#test/mocks/shopify/setup-server";
import { ShopifyStandIn, type ShopifyStandInOptions } from "#test/mocks/shopify/stand-in";

export const API_KEY = "tally-test-api-key";
export const API_SECRET = "tally-test-api-secret";
export const SHOP = "tally-test.myshopify.com";
export const GRAPHQL_URL = `https://${SHOP}/admin/api/2026-10/graphql.json`;

/** Shopify's own library, configured like Tally's app, to cross-check what the stand-in does. */
export function realShopifyApi(apiSecretKey = API_SECRET) {
  return shopifyApi({
    apiKey: API_KEY,
    apiSecretKey,
    apiVersion: ApiVersion.October26,
    hostName: "tally.test",
    isEmbeddedApp: true,
    scopes: [],
    logger: { level: LogSeverity.Error },
  });
}

/**
 * One intercepting server per test file (setupShopifyStandIn, as the app uses it); `fresh()`
 * gives a test its own stand-in, with SHOP seeded and an offline token issued, by prepending
 * that stand-in's handlers until the test ends.
 */
export function standInPerTest() {
  const harness = setupShopifyStandIn({ apiKey: API_KEY, apiSecret: API_SECRET });
  beforeAll(() => harness.listen());
  afterEach(() => harness.server.resetHandlers());
  afterAll(() => harness.close());

  return {
    fresh(options: ShopifyStandInOptions = {}) {
      const standIn = new ShopifyStandIn(options);
      standIn.addShop({ domain: SHOP, currencyCode: "USD", name: "Tally Test" });
      const token = standIn.issueToken(SHOP, { kind: "offline", expiring: false }).token;
      harness.server.use(...shopifyHandlers(standIn, { apiKey: API_KEY, apiSecret: API_SECRET }));
      return {
        standIn,
        token,
        graphql: (query: string, variables: Record<string, unknown> = {}) =>
          adminGraphql(token, query, variables),
      };
    },
  };
}

export interface GraphqlResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Shopify's JSON, navigated freely by assertions
  body: any;
}

/** A raw Admin GraphQL call, as admin-api-client sends it. */
export async function adminGraphql(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  url = GRAPHQL_URL,
): Promise<GraphqlResponse> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}
