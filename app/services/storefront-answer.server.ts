// GET /apps/tally/customer's answer, from the query string alone: the
// storefront's one request per page a member views. The production server
// calls this straight from the socket (server/proxy-answers.ts); the route
// (app/routes/proxy.customer.ts) wraps it in a Response for Remix.
import { memberParts, shopParts, summaryOf } from "~/models/storefront.server";
import { identifyProxyCaller, proxyRefusal, toWire, type ProxyAnswer, type WireAnswer } from "~/proxy.server";

export async function customerAnswer(search: string): Promise<ProxyAnswer> {
  const caller = identifyProxyCaller(search);
  if ("status" in caller) return caller;
  const shopSide = await shopParts(caller.shop);
  if (!shopSide.installed)
    return proxyRefusal(404, "shop_not_installed", "Tally is not installed on this shop");
  if (!caller.customerGid) return { status: 200, body: { loggedIn: false } };
  return { status: 200, body: summaryOf(shopSide, await memberParts(caller.shop, caller.customerGid)) };
}

/**
 * The app-proxy GETs the production server answers without Remix, by the
 * path under /proxy/ (exported to it by app/entry.server.tsx).
 */
export const proxyAnswers: Record<string, (search: string) => Promise<WireAnswer>> = {
  customer: (search) => customerAnswer(search).then(toWire),
};
