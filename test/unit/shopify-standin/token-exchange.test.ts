import { RequestedTokenType } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";

import { manualClock } from "#test/mocks/shopify/clock";
import { mintSessionToken } from "#test/mocks/shopify/session-token";

import { adminGraphql, API_KEY, API_SECRET, realShopifyApi, SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();
const api = realShopifyApi();
const TOKEN_URL = `https://${SHOP}/admin/oauth/access_token`;

const sessionToken = (overrides: Partial<Parameters<typeof mintSessionToken>[0]> = {}) =>
  mintSessionToken({ shop: SHOP, apiKey: API_KEY, secret: API_SECRET, sub: "501", ...overrides });

/** A token request as shopify-api 15's tokenExchange sends it, for the cases it checks locally. */
async function rawExchange(body: Record<string, unknown>) {
  const response = await fetch(TOKEN_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      client_id: API_KEY,
      client_secret: API_SECRET,
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      expiring: "0",
      ...body,
    }),
  });
  return { status: response.status, body: await response.json() };
}

describe("token exchange through shopify-api's auth.tokenExchange", () => {
  it("issues a non-expiring offline token that then authorises Admin GraphQL for that shop", async () => {
    const { standIn } = harness.fresh();

    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: await sessionToken(),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });

    expect(session).toMatchObject({
      id: `offline_${SHOP}`,
      shop: SHOP,
      isOnline: false,
      scope: standIn.scopes.join(","),
    });
    expect(session.expires).toBeUndefined();
    expect(session.accessToken).toMatch(/^shpat_/);
    const response = await adminGraphql(session.accessToken!, "{ shop { myshopifyDomain } }");
    expect(response.body.data.shop.myshopifyDomain).toBe(SHOP);
  });

  it("issues an expiring offline token with a refresh token when asked to", async () => {
    harness.fresh();

    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: await sessionToken(),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });

    expect(session.expires).toBeInstanceOf(Date);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.refreshTokenExpires).toBeInstanceOf(Date);
  });

  it("refreshes an expiring token, after which the old access token is refused", async () => {
    harness.fresh();
    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: await sessionToken(),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });

    const { session: refreshed } = await api.auth.refreshToken({
      shop: SHOP,
      refreshToken: session.refreshToken!,
    });

    expect(refreshed.accessToken).not.toBe(session.accessToken);
    expect((await adminGraphql(session.accessToken!, "{ shop { id } }")).status).toBe(401);
    expect((await adminGraphql(refreshed.accessToken!, "{ shop { id } }")).status).toBe(200);
    await expect(
      api.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! }),
    ).rejects.toThrow();
  });

  it("issues an online token carrying the staff user from the session token's sub", async () => {
    harness.fresh();

    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: await sessionToken({ sub: "501" }),
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });

    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(501);
  });

  it("expires tokens on the stand-in's clock", async () => {
    const clock = manualClock(new Date());
    harness.fresh({ clock });
    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: await sessionToken(),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });

    clock.advance(3601 * 1000);

    expect((await adminGraphql(session.accessToken!, "{ shop { id } }")).status).toBe(401);
  });

  it("records each token request in the request log", async () => {
    const { standIn } = harness.fresh();

    await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: await sessionToken(),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });

    expect(standIn.requests).toEqual([
      expect.objectContaining({
        kind: "token",
        shop: SHOP,
        status: 200,
        grantType: "urn:ietf:params:oauth:grant-type:token-exchange",
        requestedTokenType: "urn:shopify:params:oauth:token-type:offline-access-token",
      }),
    ]);
  });
});

describe("token endpoint refusals", () => {
  it("answers 401 invalid_client for a wrong client secret, which shopify-api raises as an error", async () => {
    harness.fresh();
    const wrongSecretApi = realShopifyApi("not-the-secret");
    const token = await mintSessionToken({ shop: SHOP, apiKey: API_KEY, secret: "not-the-secret" });

    await expect(
      wrongSecretApi.auth.tokenExchange({
        shop: SHOP,
        sessionToken: token,
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
      }),
    ).rejects.toThrow(/401/);
    expect(
      (await rawExchange({ client_secret: "nope", subject_token: await sessionToken() })).body.error,
    ).toBe("invalid_client");
  });

  it("answers 400 invalid_subject_token for an expired session token", async () => {
    harness.fresh();

    const response = await rawExchange({
      subject_token: await sessionToken({ issuedAt: new Date(Date.now() - 600_000) }),
    });

    expect(response).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("answers 400 invalid_subject_token for a session token of another shop", async () => {
    harness.fresh();

    const response = await rawExchange({
      subject_token: await sessionToken({ shop: "other.myshopify.com" }),
    });

    expect(response).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("answers 400 invalid_subject_token for a session token signed with another secret", async () => {
    harness.fresh();

    const response = await rawExchange({ subject_token: await sessionToken({ secret: "other" }) });

    expect(response).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("answers 400 for a missing subject token and for an unknown grant type", async () => {
    harness.fresh();

    expect(await rawExchange({})).toMatchObject({ status: 400, body: { error: "missing_subject_token" } });
    expect(await rawExchange({ grant_type: "authorization_code", subject_token: "x" })).toMatchObject({
      status: 400,
      body: { error: "unsupported_grant_type" },
    });
  });

  it("answers 404 for a shop the stand-in does not know", async () => {
    harness.fresh();

    const response = await fetch("https://unknown.myshopify.com/admin/oauth/access_token", {
      method: "POST",
      body: "{}",
    });

    expect(response.status).toBe(404);
  });
});
