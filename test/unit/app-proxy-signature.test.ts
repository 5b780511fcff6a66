import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAppProxySignature } from "~/domain/app-proxy-signature";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { libraryAppProxyCheck } from "#test/support/library-app-proxy-check";

const secret = "shpss_unit_secret";
const now = 1_795_000_000;

function signed(
  options: {
    timestamp?: number;
    extra?: Record<string, string | string[]>;
    id?: string | string[];
    pathPrefix?: string | string[];
  } = {},
) {
  const ids = [options.id ?? "42"].flat();
  const prefixes = [options.pathPrefix ?? "/apps/tally"].flat();
  // Shopify signs repeated values joined by commas, so signing the joined
  // value and then sending the values as repeats keeps the signature valid.
  const url = new URL(
    signAppProxyUrl({
      secret,
      shop: "alpha.myshopify.com",
      url: "https://tally.test/proxy/customer",
      loggedInCustomerId: ids.join(","),
      pathPrefix: prefixes.join(","),
      timestamp: options.timestamp ?? now,
      extra: options.extra,
    }),
  );
  repeat(url.searchParams, "logged_in_customer_id", ids);
  repeat(url.searchParams, "path_prefix", prefixes);
  return url.search;
}

function repeat(params: URLSearchParams, key: string, values: string[]) {
  if (values.length < 2) return;
  params.delete(key);
  for (const value of values) params.append(key, value);
}

const hasRepeated = (search: string, key: string) => new URLSearchParams(search).getAll(key).length > 1;

/** What shopify-app-remix's authenticate.public.appProxy decides for the same query, at the same clock. */
async function libraryAccepts(search: string, apiSecretKey = secret): Promise<boolean> {
  const params = new URLSearchParams(search);
  if (!params.get("index")) params.delete("index");
  const realNow = Date.now;
  Date.now = () => now * 1000;
  try {
    return await libraryAppProxyCheck(apiSecretKey)(params);
  } catch {
    return false; // the library throws for a missing signature, a bad timestamp or a repeated key
  } finally {
    Date.now = realNow;
  }
}

describe("the app-proxy signature", () => {
  it("accepts what Shopify signs and hands back the parameters", () => {
    const check = checkAppProxySignature(signed(), secret, now);

    expect(check.ok).toBe(true);
    expect(check.ok && check.params.get("logged_in_customer_id")).toBe("42");
    expect(check.ok && check.params.get("shop")).toBe("alpha.myshopify.com");
  });

  it("refuses another secret, a changed parameter, an added one and an upper-case signature", () => {
    expect(checkAppProxySignature(signed(), "another", now)).toEqual({
      ok: false,
      refusal: "wrong_signature",
    });
    const changed = signed().replace("logged_in_customer_id=42", "logged_in_customer_id=43");
    expect(checkAppProxySignature(changed, secret, now)).toEqual({ ok: false, refusal: "wrong_signature" });
    expect(checkAppProxySignature(`${signed()}&extra=1`, secret, now)).toEqual({
      ok: false,
      refusal: "wrong_signature",
    });
    const upper = signed().replace(
      /signature=([0-9a-f]+)/,
      (_, hex: string) => `signature=${hex.toUpperCase()}`,
    );
    expect(checkAppProxySignature(upper, secret, now)).toEqual({ ok: false, refusal: "wrong_signature" });
  });

  it("refuses a signature with hex followed by anything else", () => {
    const padded = signed().replace(/signature=([0-9a-f]+)/, (_, hex: string) => `signature=${hex}zz`);
    expect(checkAppProxySignature(padded, secret, now)).toEqual({ ok: false, refusal: "wrong_signature" });
  });

  it("allows 90 seconds of clock skew either way and no more", () => {
    expect(checkAppProxySignature(signed({ timestamp: now - 90 }), secret, now).ok).toBe(true);
    expect(checkAppProxySignature(signed({ timestamp: now + 90 }), secret, now).ok).toBe(true);
    expect(checkAppProxySignature(signed({ timestamp: now - 91 }), secret, now)).toEqual({
      ok: false,
      refusal: "stale_timestamp",
    });
    expect(checkAppProxySignature(signed({ timestamp: now + 91 }), secret, now)).toEqual({
      ok: false,
      refusal: "stale_timestamp",
    });
  });

  it("refuses a missing signature or timestamp and a repeated shop", () => {
    expect(checkAppProxySignature("shop=a.myshopify.com&timestamp=1", secret, now)).toEqual({
      ok: false,
      refusal: "missing_signature",
    });
    const noTimestamp = new URLSearchParams(signed());
    noTimestamp.delete("timestamp");
    expect(checkAppProxySignature(noTimestamp.toString(), secret, now)).toEqual({
      ok: false,
      refusal: "bad_timestamp",
    });
    expect(checkAppProxySignature(`${signed()}&shop=b.myshopify.com`, secret, now)).toEqual({
      ok: false,
      refusal: "repeated_parameter",
    });
  });

  it("refuses a validly signed query naming the customer or the path prefix twice", async () => {
    for (const search of [
      signed({ id: ["42", "43"] }),
      signed({ id: ["42", "42"] }),
      signed({ id: ["", "42"] }),
      signed({ pathPrefix: ["/apps/tally", "/apps/other"] }),
    ]) {
      expect(checkAppProxySignature(search, secret, now), search).toEqual({
        ok: false,
        refusal: "repeated_parameter",
      });
      // The library would take it, with the values joined: the one difference, on purpose.
      expect(await libraryAccepts(search), search).toBe(true);
    }
  });

  it("signs repeated storefront parameters as one, joined by commas", () => {
    const search = signed({ extra: { tag: ["a", "b"], q: "x y" } });
    expect(checkAppProxySignature(search, secret, now).ok).toBe(true);
    // The same values under one key with the comma already in: the same message, so the same signature.
    const reordered = search.replace("tag=a&tag=b", "tag=a%2Cb");
    expect(checkAppProxySignature(reordered, secret, now).ok).toBe(true);
  });

  it("decides as shopify-api's validateHmac on generated queries, save the repeats it joins and Tally refuses", async () => {
    const key = fc.oneof(
      fc.constantFrom(
        "shop",
        "timestamp",
        "signature",
        "hmac",
        "index",
        "path_prefix",
        "logged_in_customer_id",
      ),
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.stringMatching(/^[A-Za-z_0-9.-]{1,6}$/),
    );
    const value = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("", "1", String(now), "a,b"));
    // Mostly one value (what Shopify sends), sometimes repeats, signed as Shopify would sign them.
    const values = fc.oneof(
      { weight: 3, arbitrary: fc.array(value, { minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 3 }) },
    );
    const query = fc.record({
      extra: fc.array(fc.tuple(key, value), { maxLength: 6 }),
      ids: values,
      prefixes: values,
      skew: fc.integer({ min: -200, max: 200 }),
      tamper: fc.constantFrom(
        "none",
        "none",
        "append",
        "drop-signature",
        "repeat-shop",
        "repeat-customer",
        "secret",
      ),
    });

    await fc.assert(
      fc.asyncProperty(query, async ({ extra, ids, prefixes, skew, tamper }) => {
        const grouped: Record<string, string[]> = {};
        for (const [k, v] of extra) (grouped[k] ??= []).push(v);
        let search = signed({ timestamp: now + skew, extra: grouped, id: ids, pathPrefix: prefixes });
        if (tamper === "append") search += "&zz=1";
        if (tamper === "drop-signature") search = search.replace(/&?signature=[0-9a-f]+/, "");
        if (tamper === "repeat-shop") search += "&shop=alpha.myshopify.com";
        // Unsigned: the library refuses it only because the signature no longer matches.
        if (tamper === "repeat-customer") search += "&logged_in_customer_id=7";
        const checkedWith = tamper === "secret" ? "other" : secret;
        const ours = checkAppProxySignature(search, checkedWith, now);
        const library = await libraryAccepts(search, checkedWith);
        const repeatsWho = hasRepeated(search, "logged_in_customer_id") || hasRepeated(search, "path_prefix");
        // The documented difference: Tally refuses these repeats, the library joins them.
        expect(ours.ok).toBe(library && !repeatsWho);
        if (repeatsWho) expect(ours).toMatchObject({ refusal: "repeated_parameter" });
      }),
      { numRuns: 600 },
    );
  });
});
