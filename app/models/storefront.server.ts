import { findMemberPoints } from "./member.server";

export interface ProxyRequest {
  installed: boolean;
  /** The signed `shop` parameter: the only shop this request may read. */
  shop: string;
  /** Shopify's `logged_in_customer_id`: blank for guests. */
  loggedInCustomerId: string;
}

/** `points` can be spent now; `pendingPoints` are earned but still in the shop's pending period. */
type Summary = { loggedIn: false } | { loggedIn: true; points: number; pendingPoints: number };

export async function customerSummary(
  request: ProxyRequest,
): Promise<{ status: number; json: Summary | { error: string } }> {
  if (!request.installed) return { status: 404, json: { error: "shop_not_installed" } };
  if (!request.loggedInCustomerId) return { status: 200, json: { loggedIn: false } };
  if (!/^\d+$/.test(request.loggedInCustomerId)) {
    return { status: 400, json: { error: "bad_customer_id" } };
  }
  const customerGid = `gid://shopify/Customer/${request.loggedInCustomerId}`;
  const member = await findMemberPoints(request.shop, customerGid);
  return {
    status: 200,
    json: { loggedIn: true, points: member?.points ?? 0, pendingPoints: member?.pendingPoints ?? 0 },
  };
}
