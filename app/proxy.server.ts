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

export function proxyError(
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return toResponse({ ...proxyRefusal(status, error, message), headers });
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

/** The shop's offline session (for routes that call Shopify), or the error Response. */
export async function proxySession(shop: string): Promise<Session | Response> {
  try {
    // The library's own loading, so an expiring offline token is refreshed.
    const { session } = await unauthenticated.admin(shop);
    return session;
  } catch (error) {
    if (error instanceof SessionNotFoundError) {
      return proxyError(404, "shop_not_installed", "Tally is not installed on this shop");
    }
    throw error;
  }
}

/**
 * A JSON body read up to `limitBytes`, or the error Response. The signature
 * covers only the query: the body is the shopper's, so it is counted while it
 * streams, never buffered past the limit. A declared length over the limit is
 * refused unread; a body that grows past it is cut off.
 */
export async function readJsonBody(
  request: Request,
  limitBytes: number,
): Promise<{ json: unknown } | Response> {
  const tooLarge = () => proxyError(413, "payload_too_large", `The body is over ${limitBytes} bytes`);
  if (Number(request.headers.get("Content-Length") ?? 0) > limitBytes) return tooLarge();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      bytes += chunk.value.byteLength;
      if (bytes > limitBytes) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(chunk.value);
    }
  }
  try {
    return { json: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks))) };
  } catch {
    return proxyError(400, "bad_request", "The body is not JSON");
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
