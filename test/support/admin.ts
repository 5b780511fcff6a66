import { mintSessionToken } from "#test/mocks/shopify/session-token";

// Requests as the embedded admin sends them. App Bridge mints a session token
// for every request: a document gets it as `id_token`, a fetch from the page
// (Remix's form submissions) as `Authorization: Bearer`. The shop is the
// token's `dest`; `shop` and `host` in the URL only say where to embed.

/** A session token for `shop`, signed with the app's secret unless told otherwise. */
export const sessionTokenFor = (shop: string, secret = process.env.SHOPIFY_API_SECRET!) =>
  mintSessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, secret });

interface AdminRequestOptions {
  /** The session token to send; null sends none. Defaults to a valid token for the shop. */
  token?: string | null;
}

/** The document request when the merchant opens `path` in the admin. */
export async function adminPageRequest(shop: string, path: string, options: AdminRequestOptions = {}) {
  const token = options.token === undefined ? await sessionTokenFor(shop) : options.token;
  const url = new URL(path, process.env.SHOPIFY_APP_URL);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", Buffer.from(`${shop}/admin`).toString("base64url"));
  if (token !== null) url.searchParams.set("id_token", token);
  return new Request(url);
}

/** A form the embedded page posts to `path`. */
export async function adminFormRequest(
  shop: string,
  path: string,
  fields: Record<string, string>,
  options: AdminRequestOptions = {},
) {
  const token = options.token === undefined ? await sessionTokenFor(shop) : options.token;
  return new Request(new URL(path, process.env.SHOPIFY_APP_URL), {
    method: "POST",
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
    body: new URLSearchParams(fields),
  });
}
