import type { Request, Response } from "express";
import { signAppProxyUrl } from "../shopify/sign-app-proxy-url";

// Shopify's app proxy: https://{shop}/apps/tally/<rest>?<query> is forwarded
// to {appUrl}/proxy/<rest>?<query> with shop, logged_in_customer_id (blank for
// a guest), path_prefix, timestamp and signature added (any the browser sent
// are replaced). Method, body and Content-Type go through; cookies do not,
// either way. The customer is the one signed in to the storefront, never one
// the browser names.

export const PROXY_PREFIX = "/apps/tally";

const PROXY_PATH = new RegExp(`^(/[a-z]{2})?${PROXY_PREFIX}(/|$)`);

/** Whether a storefront path goes to the app proxy: /apps/tally/…, under a locale prefix (/fr) or not. */
export function isAppProxyPath(pathname: string): boolean {
  return PROXY_PATH.test(pathname);
}

export interface ProxyOptions {
  shop: string;
  appUrl: string;
  apiSecret: string;
}

// Not passed back: hop-by-hop headers, a body encoding fetch already undid,
// and cookies (Shopify strips them from proxied responses).
const DROPPED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
  "set-cookie",
]);

/** The URL the app receives for a storefront request under /apps/tally (`rest` is what follows it). */
export function forwardedUrl(options: ProxyOptions, rest: string, query: string, customerId: string | null) {
  return signAppProxyUrl({
    secret: options.apiSecret,
    shop: options.shop,
    url: `${options.appUrl}/proxy${rest}${query}`,
    loggedInCustomerId: customerId ?? "",
    pathPrefix: PROXY_PREFIX,
  });
}

export async function forwardToApp(
  options: ProxyOptions,
  req: Request,
  res: Response,
  rest: string,
  customerId: string | null,
): Promise<void> {
  const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
  const hasBody = !["GET", "HEAD"].includes(req.method) && Buffer.isBuffer(req.body);
  const contentType = req.get("content-type");
  let answer: globalThis.Response;
  try {
    answer = await fetch(forwardedUrl(options, rest, query, customerId), {
      method: req.method,
      headers: contentType ? { "Content-Type": contentType } : {},
      body: hasBody ? new Uint8Array(req.body as Buffer) : undefined,
      redirect: "manual",
    });
  } catch (error) {
    res
      .status(502)
      .type("text/plain")
      .send(`The app proxy could not reach ${options.appUrl}: ${(error as Error).message}`);
    return;
  }
  res.status(answer.status);
  answer.headers.forEach((value, name) => {
    if (!DROPPED.has(name)) res.setHeader(name, value);
  });
  // end, not send: no ETag or 304 of the preview's own on top of the app's answer.
  res.end(Buffer.from(await answer.arrayBuffer()));
}
