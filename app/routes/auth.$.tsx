import type { LoaderFunctionArgs } from "@remix-run/node";
import { ShopifyError } from "@shopify/shopify-api";
import { withUnverifiedFrameAncestors } from "~/security-headers.server";
import { authenticate } from "~/shopify.server";

// shopify-app-remix answers its own auth paths (the session-token bounce page,
// exit-iframe) by throwing the page. It refuses an exit-iframe destination
// outside the app and the admin by throwing a plain ShopifyError, a 500 for
// what is a bad link.
const EXIT_IFRAME = "/auth/exit-iframe";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    await authenticate.admin(request);
    return null;
  } catch (thrown) {
    if (thrown instanceof Response) throw withUnverifiedFrameAncestors(thrown);
    if (thrown instanceof ShopifyError && new URL(request.url).pathname === EXIT_IFRAME) {
      throw new Response("This link does not lead back to Tally or the Shopify admin.", {
        status: 400,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    throw thrown;
  }
};
