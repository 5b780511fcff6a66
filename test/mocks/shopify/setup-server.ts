import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { setupServer } from "msw/node";

import { shopifyHandlers, type AppCredentials } from "./handlers";
import { ShopifyStandIn, type ShopifyStandInOptions } from "./stand-in";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export interface ShopifyStandInServer {
  standIn: ShopifyStandIn;
  server: ReturnType<typeof setupServer>;
  listen(): void;
  close(): void;
}

/**
 * Intercepts this process's outgoing fetches to Shopify and answers them from a stand-in.
 * Requests to localhost pass through (the app's own server, test clients); any other unhandled
 * host is an error, so nothing silently tries the real internet.
 */
export function setupShopifyStandIn(
  credentials: AppCredentials & { standIn?: ShopifyStandIn; options?: ShopifyStandInOptions },
): ShopifyStandInServer {
  const standIn = credentials.standIn ?? new ShopifyStandIn(credentials.options);
  const server = setupServer(...shopifyHandlers(standIn, credentials));
  return {
    standIn,
    server,
    listen() {
      server.listen({
        onUnhandledRequest(request, print) {
          if (!LOCAL_HOSTS.has(new URL(request.url).hostname)) print.error();
        },
      });
      // shopify-api's node adapter captures globalThis.fetch when it is imported, usually before
      // msw patches it; resolving fetch at call time routes the library through the handlers.
      setAbstractFetchFunc((input, init) => globalThis.fetch(input, init));
    },
    close() {
      server.close();
    },
  };
}
