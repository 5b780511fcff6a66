import type { LoaderFunctionArgs } from "@remix-run/node";
import { customerSummary } from "~/models/storefront.server";
import { authenticateProxy, proxyJson } from "~/proxy.server";

// GET /apps/tally/customer on the storefront, forwarded by Shopify's app proxy:
// everything the widgets show a member, in one request (docs/storefront.md).
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await authenticateProxy(request);
  if (caller instanceof Response) return caller;
  if (!caller.customerGid) return proxyJson(200, { loggedIn: false });
  return proxyJson(200, await customerSummary(caller.shop, caller.customerGid));
}
