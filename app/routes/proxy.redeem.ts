import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateProxy, proxyError, proxyJson } from "~/proxy.server";
import { createAdminClient } from "~/services/admin-client.server";
import { redeem } from "~/services/redeem.server";

// POST /apps/tally/redeem on the storefront, forwarded by Shopify's app proxy.
export async function action({ request }: ActionFunctionArgs) {
  const caller = await authenticateProxy(request);
  if (caller instanceof Response) return caller;
  if (request.method !== "POST") return proxyError(405, "bad_request", "Redeem with POST");
  if (!caller.customerGid) return proxyError(401, "guest", "Sign in to redeem points");
  // JSON only: a cross-site form cannot send it without a CORS preflight,
  // so another site cannot spend a signed-in shopper's points.
  if (!/^application\/json\b/i.test(request.headers.get("Content-Type") ?? "")) {
    return proxyError(415, "unsupported_media_type", "Send the request as application/json");
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return proxyError(400, "bad_request", "The body is not JSON");
  }
  const { accessToken, shop } = caller.session;
  const answer = await redeem({
    shop: caller.shop,
    customerGid: caller.customerGid,
    body,
    // A shopper is waiting: a few quick retries, not a worker's patience.
    client: () =>
      createAdminClient({ shop, accessToken: accessToken!, retry: { attempts: 3, maxDelayMs: 1_000 } }),
  });
  return proxyJson(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
}
