import type { ActionFunctionArgs } from "@remix-run/node";
import { parseRedeemRequest } from "~/domain/redemption";
import { redeemRateLimiter } from "~/jobs/rate-limit.server";
import {
  identifyProxyCaller,
  proxyError,
  proxyJson,
  proxySession,
  readJsonBody,
  toResponse,
} from "~/proxy.server";
import { createAdminClient } from "~/services/admin-client.server";
import { REDEEM_BODY_LIMIT_BYTES, redeem } from "~/services/redeem.server";

// POST /apps/tally/redeem on the storefront, forwarded by Shopify's app proxy.
// Cheapest refusals first: the signature, the guest and the content type need
// no I/O, the rate limit one Redis call; only then the body (bounded), the
// session and the balance (ADR 0018).
export async function action({ request }: ActionFunctionArgs) {
  const caller = identifyProxyCaller(new URL(request.url).search);
  if ("status" in caller) return toResponse(caller);
  if (request.method !== "POST") return proxyError(405, "bad_request", "Redeem with POST");
  if (!caller.customerGid) return proxyError(401, "guest", "Sign in to redeem points");
  // JSON only: a cross-site form cannot send it without a CORS preflight,
  // so another site cannot spend a signed-in shopper's points.
  if (!/^application\/json\b/i.test(request.headers.get("Content-Type") ?? "")) {
    return proxyError(415, "unsupported_media_type", "Send the request as application/json");
  }
  const limit = await redeemRateLimiter().take({ shop: caller.shop, customerGid: caller.customerGid });
  if (!limit.allowed) {
    return proxyError(429, "rate_limited", "Too many redeems; try again later", {
      "Retry-After": String(limit.retryAfterSeconds),
    });
  }
  const body = await readJsonBody(request, REDEEM_BODY_LIMIT_BYTES);
  if (body instanceof Response) return body;
  const parsed = parseRedeemRequest(body.json);
  if (!parsed.ok) return proxyError(400, "bad_request", parsed.reason);
  const session = await proxySession(caller.shop);
  if (session instanceof Response) return session;
  const { accessToken, shop } = session;
  const answer = await redeem({
    shop: caller.shop,
    customerGid: caller.customerGid,
    request: parsed.value,
    // A shopper is waiting: a few quick retries, not a worker's patience.
    client: () =>
      createAdminClient({ shop, accessToken: accessToken!, retry: { attempts: 3, maxDelayMs: 1_000 } }),
  });
  return proxyJson(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
}
