// What every app-proxy route does first: check Shopify's signature (before
// any database work), then say who is asking. Answers are JSON with a stable
// `error` code the storefront translates (docs/storefront.md).
import type { Session } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { checkAppProxySignature, type AppProxyRefusal } from "~/domain/app-proxy-signature";
import { getEnv } from "~/env.server";
import { unauthenticated } from "~/shopify.server";

/** An answer before it is a Response: the storefront's busiest path writes it to the socket itself. */
export interface ProxyAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const PROXY_HEADERS = { "Content-Type": "application/json", "Cache-Control": "private, no-store" };

export function proxyRefusal(status: number, error: string, message: string): ProxyAnswer {
  return { status, body: { error, message } };
}

/** The answer as it goes on the wire. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function toWire(answer: ProxyAnswer): WireAnswer {
  return {
    status: answer.status,
    headers: { ...PROXY_HEADERS, ...answer.headers },
    body: JSON.stringify(answer.body),
  };
}

export function toResponse(answer: ProxyAnswer): Response {
  const { status, headers, body } = toWire(answer);
  // Not Response.json: remix-serve installs a fetch polyfill whose Response lacks it.
  return new Response(body, { status, headers });
}

export function proxyJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return toResponse({ status, body, headers });
}

export function proxyError(status: number, error: string, message: string): Response {
  return toResponse(proxyRefusal(status, error, message));
}

export interface ProxyIdentity {
  /** The signed `shop` parameter: the only shop this request may touch. */
  shop: string;
  /** The logged-in customer's GID, or null for a guest. */
  customerGid: string | null;
}

/**
 * Who signed this request, from its query alone: no I/O, so a bad signature
 * costs no database work. Installation is the caller's to check.
 */
export function identifyProxyCaller(search: string, nowMs = Date.now()): ProxyIdentity | ProxyAnswer {
  const check = checkAppProxySignature(search, getEnv().SHOPIFY_API_SECRET, Math.trunc(nowMs / 1000));
  if (!check.ok) {
    noteRefusal(check.refusal, nowMs);
    return proxyRefusal(401, "bad_signature", "The app proxy signature is missing, wrong or stale");
  }
  const shop = check.params.get("shop") ?? "";
  const customerId = check.params.get("logged_in_customer_id") ?? "";
  if (customerId !== "" && !/^\d+$/.test(customerId)) {
    return proxyRefusal(400, "bad_request", "logged_in_customer_id is not a customer id");
  }
  return { shop, customerGid: customerId === "" ? null : `gid://shopify/Customer/${customerId}` };
}

export interface ProxyCaller extends ProxyIdentity {
  session: Session;
}

/** The caller with the shop's offline session (for routes that call Shopify), or the error Response. */
export async function authenticateProxy(request: Request): Promise<ProxyCaller | Response> {
  const identity = identifyProxyCaller(new URL(request.url).search);
  if ("status" in identity) return toResponse(identity);
  try {
    // The library's own loading, so an expiring offline token is refreshed.
    const { session } = await unauthenticated.admin(identity.shop);
    return { ...identity, session };
  } catch (error) {
    if (error instanceof SessionNotFoundError) {
      return proxyError(404, "shop_not_installed", "Tally is not installed on this shop");
    }
    throw error;
  }
}

// Refused signatures are counted and logged at most once a minute: a wrong
// SHOPIFY_API_SECRET refuses every shopper and the operator must see it, but
// a flood of forged requests must not become a flood of log lines.
const REFUSAL_LOG_INTERVAL_MS = 60_000;
const refusals = new Map<AppProxyRefusal, number>();
let lastRefusalLog = -Infinity;

function noteRefusal(refusal: AppProxyRefusal, nowMs: number): void {
  refusals.set(refusal, (refusals.get(refusal) ?? 0) + 1);
  if (nowMs - lastRefusalLog < REFUSAL_LOG_INTERVAL_MS) return;
  lastRefusalLog = nowMs;
  const counts = [...refusals].map(([reason, count]) => `${reason}: ${count}`).join(", ");
  refusals.clear();
  console.warn(`[proxy] app-proxy requests refused (bad signature) since the last report: ${counts}`);
}
