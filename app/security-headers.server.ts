import type { AppLoadContext } from "@remix-run/node";

// Which pages may frame the app. shopify-app-remix's addDocumentResponseHeaders
// names whatever shop the URL's ?shop= says, so any myshopify.com store (whose
// theme an attacker writes) could frame Tally's pages. Here a shop is named
// only once authenticate.admin has verified the request's session token for
// it; every other document may be framed by the Shopify admin alone.

const ADMIN = "https://admin.shopify.com";
const verifiedShops = new WeakMap<AppLoadContext, string>();

/** Called by the admin layout's loader with the shop its session token was verified for. */
export function allowFramingBy(context: AppLoadContext, shop: string): void {
  verifiedShops.set(context, shop);
}

/** The Content-Security-Policy for a document rendered with this request's load context. */
export function frameAncestors(context: AppLoadContext | undefined): string {
  const shop = context && verifiedShops.get(context);
  return shop ? `frame-ancestors https://${shop} ${ADMIN};` : `frame-ancestors ${ADMIN};`;
}

/** The same for a response shopify-app-remix made itself, which carries its unverified policy. */
export function withUnverifiedFrameAncestors(response: Response): Response {
  if (response.headers.has("Content-Security-Policy")) {
    response.headers.set("Content-Security-Policy", frameAncestors(undefined));
  }
  return response;
}
