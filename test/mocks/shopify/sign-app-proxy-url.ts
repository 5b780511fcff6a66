import { createHmac } from "node:crypto";

export interface SignAppProxyUrlInput {
  secret: string;
  shop: string;
  /** The app-side URL the proxy forwards to, e.g. "https://tally.test/proxy/customer?x=1". */
  url: string;
  /** Numeric customer id; "" is what Shopify sends for a guest. Omitted means the same as a guest. */
  loggedInCustomerId?: string;
  pathPrefix?: string;
  /** Unix seconds; the verifier tolerates 90 s of skew, so the default is the current time. */
  timestamp?: number;
  /** Extra query parameters, as the storefront request carried them; arrays become repeated keys. */
  extra?: Record<string, string | string[]>;
}

/**
 * Returns the URL Shopify's app proxy forwards to the app. Signature per shopify-api's
 * hmac-validator (signator "appProxy"): sort the decoded params by key, join repeated keys' values
 * with ",", concatenate `k=v` with no separator, hex HMAC-SHA256 with the app secret.
 */
export function signAppProxyUrl(input: SignAppProxyUrlInput): string {
  const url = new URL(input.url);
  for (const [key, value] of Object.entries(input.extra ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item);
  }
  url.searchParams.set("shop", input.shop);
  url.searchParams.set("logged_in_customer_id", input.loggedInCustomerId ?? "");
  url.searchParams.set("path_prefix", input.pathPrefix ?? "/apps/tally");
  url.searchParams.set("timestamp", String(input.timestamp ?? Math.trunc(Date.now() / 1000)));
  url.searchParams.delete("signature");

  const grouped = new Map<string, string[]>();
  for (const [key, value] of url.searchParams) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  const message = [...grouped.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .join("");
  url.searchParams.set("signature", createHmac("sha256", input.secret).update(message).digest("hex"));
  return url.toString();
}
