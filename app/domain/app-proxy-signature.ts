// Shopify's app-proxy signature, checked with node:crypto's synchronous HMAC.
//
// The same rules as @shopify/shopify-api's validateHmac({ signator: "appProxy" })
// (the check shopify-app-remix's authenticate.public.appProxy runs), save one:
// a repeated `logged_in_customer_id` or `path_prefix` is refused (below).
// test/unit/app-proxy-signature.test.ts compares the two on generated queries. That check goes through WebCrypto: an async job on the thread pool
// and a key import per request, which was the largest single cost of the
// storefront's one request per page view (docs/decisions/0016).
import { createHmac, timingSafeEqual } from "node:crypto";

/** Shopify's tolerance for clock skew, both ways, in seconds. */
const APP_PROXY_CLOCK_TOLERANCE_SECONDS = 90;

// A query naming one of these twice is refused: a repeated `shop` would
// otherwise be joined into the message and signed as one value. The library
// refuses the first four; Tally also refuses the two that say who is asking
// and through which path (the library joins them with a comma, and a reader
// taking the first value would act for a customer the signature did not
// name alone). This is the one place the two checks decide differently.
const SINGLE_VALUE_PARAMS = new Set([
  "hmac",
  "shop",
  "signature",
  "timestamp",
  "logged_in_customer_id",
  "path_prefix",
]);

export type AppProxyRefusal =
  "missing_signature" | "repeated_parameter" | "bad_timestamp" | "stale_timestamp" | "wrong_signature";

export type AppProxySignatureCheck =
  { ok: true; params: URLSearchParams } | { ok: false; refusal: AppProxyRefusal };

/**
 * Checks the signature Shopify's app proxy adds to a forwarded request.
 * `search` is the URL's query ("?a=1&…" or "a=1&…"); `nowSeconds` is Unix time.
 */
export function checkAppProxySignature(
  search: string,
  secret: string,
  nowSeconds: number,
): AppProxySignatureCheck {
  const params = new URLSearchParams(search);
  // shopify-app-remix drops an empty `index` (Remix adds one to index routes).
  if (!params.get("index")) params.delete("index");

  const joined = new Map<string, string>();
  for (const [key, value] of params) {
    const earlier = joined.get(key);
    if (earlier === undefined) joined.set(key, value);
    else if (SINGLE_VALUE_PARAMS.has(key)) return { ok: false, refusal: "repeated_parameter" };
    else joined.set(key, `${earlier},${value}`);
  }

  const signature = joined.get("signature");
  if (!signature) return { ok: false, refusal: "missing_signature" };
  const timestamp = Number(joined.get("timestamp"));
  if (!joined.has("timestamp") || !Number.isInteger(timestamp))
    return { ok: false, refusal: "bad_timestamp" };
  if (Math.abs(nowSeconds - timestamp) > APP_PROXY_CLOCK_TOLERANCE_SECONDS) {
    return { ok: false, refusal: "stale_timestamp" };
  }

  joined.delete("signature");
  joined.delete("hmac");
  // localeCompare, not code-unit order: the library sorts this way, and a
  // signature it accepts must not be refused here (nor the other way round).
  const message = [...joined]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join("");
  const expected = createHmac("sha256", secret).update(message).digest();
  const given = Buffer.from(signature, "hex");
  // Buffer.from(…, "hex") stops at the first non-hex pair: require the whole
  // string to have been hex, as the library's exact string comparison does.
  const sameLength = given.length === expected.length && signature.length === expected.length * 2;
  if (!sameLength || !timingSafeEqual(given, expected) || signature !== signature.toLowerCase()) {
    return { ok: false, refusal: "wrong_signature" };
  }
  return { ok: true, params };
}
