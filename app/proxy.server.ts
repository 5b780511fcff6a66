// What every app-proxy route does first: check Shopify's signature (before
// any database work), then say who is asking. Answers are JSON with a stable
// `error` code the storefront translates (docs/storefront.md).
import type { Session } from "@shopify/shopify-api";
import { authenticate } from "~/shopify.server";

export function proxyJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  // Not Response.json: remix-serve installs a fetch polyfill whose Response lacks it.
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "private, no-store", ...headers },
  });
}

export function proxyError(status: number, error: string, message: string): Response {
  return proxyJson(status, { error, message });
}

export interface ProxyCaller {
  /** The signed `shop` parameter: the only shop this request may touch. */
  shop: string;
  session: Session;
  /** The logged-in customer's GID, or null for a guest. */
  customerGid: string | null;
}

/** The caller, or the error Response to send instead. */
export async function authenticateProxy(request: Request): Promise<ProxyCaller | Response> {
  let session: Session | undefined;
  try {
    ({ session } = await authenticate.public.appProxy(request));
  } catch (thrown) {
    // shopify-app-remix throws a bare 400 for a missing, wrong or stale signature.
    if (thrown instanceof Response) {
      return proxyError(401, "bad_signature", "The app proxy signature is missing, wrong or stale");
    }
    throw thrown;
  }
  const params = new URL(request.url).searchParams;
  if (!session) return proxyError(404, "shop_not_installed", "Tally is not installed on this shop");
  const customerId = params.get("logged_in_customer_id") ?? "";
  if (customerId !== "" && !/^\d+$/.test(customerId)) {
    return proxyError(400, "bad_request", "logged_in_customer_id is not a customer id");
  }
  return {
    shop: session.shop,
    session,
    customerGid: customerId === "" ? null : `gid://shopify/Customer/${customerId}`,
  };
}
