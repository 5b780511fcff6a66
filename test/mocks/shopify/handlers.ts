import { adminGraphqlHandler } from "./handlers/admin-graphql";
import { tokenExchangeHandler, type AppCredentials } from "./handlers/token-exchange";
import type { ShopifyStandIn } from "./stand-in";

export type { AppCredentials };

/** msw handlers serving the stand-in at Shopify's own URLs: token endpoint and Admin GraphQL. */
export function shopifyHandlers(standIn: ShopifyStandIn, credentials: AppCredentials) {
  return [tokenExchangeHandler(standIn, credentials), adminGraphqlHandler(standIn)];
}
