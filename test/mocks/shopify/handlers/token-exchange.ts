import { http, HttpResponse } from "msw";

import type { AccessTokenRecord } from "../records";
import { verifySessionToken } from "../session-token";
import type { ShopifyStandIn } from "../stand-in";

export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
export const TOKEN_TYPE_OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const TOKEN_TYPE_ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";

export interface AppCredentials {
  apiKey: string;
  apiSecret: string;
}

type Params = Record<string, string | undefined>;

/** shopify-api sends JSON; OAuth clients may also send a form body. */
async function readParams(request: Request): Promise<Params | null> {
  const text = await request.text();
  if ((request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== "object" || body === null) return null;
    return Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, v === undefined || v === null ? undefined : String(v)]),
    );
  } catch {
    return null;
  }
}

function oauthError(status: number, error: string, description: string) {
  return HttpResponse.json({ error, error_description: description }, { status });
}

/** Response body as Shopify's token endpoint returns it for the issued token. */
function tokenResponse(standIn: ShopifyStandIn, record: AccessTokenRecord) {
  const now = standIn.clock.now();
  const seconds = (at: number | null) => (at === null ? undefined : Math.round((at - now) / 1000));
  if (record.kind === "online") {
    const id = Number(record.userId ?? 0);
    return {
      access_token: record.token,
      scope: record.scope,
      expires_in: seconds(record.expiresAt),
      associated_user_scope: record.scope,
      associated_user: {
        id,
        first_name: "Staff",
        last_name: `Member ${id}`,
        email: `staff-${id}@${record.shop}`,
        email_verified: true,
        account_owner: true,
        locale: "en",
        collaborator: false,
      },
    };
  }
  return {
    access_token: record.token,
    scope: record.scope,
    ...(record.refreshToken
      ? {
          expires_in: seconds(record.expiresAt),
          refresh_token: record.refreshToken,
          refresh_token_expires_in: seconds(record.refreshTokenExpiresAt),
        }
      : {}),
  };
}

/**
 * POST https://{shop}/admin/oauth/access_token for the grants shopify-api 15 uses: token exchange
 * of a session token (tokenExchange), of a non-expiring offline token (migrateToExpiringToken),
 * and refresh_token (refreshToken).
 */
export function tokenExchangeHandler(standIn: ShopifyStandIn, credentials: AppCredentials) {
  return http.post("https://:shop/admin/oauth/access_token", async ({ request, params }) => {
    const shop = String(params.shop);
    const body = await readParams(request);
    const respond = (response: Response) => {
      standIn.requests.push({
        kind: "token",
        at: standIn.clock.now(),
        shop,
        status: response.status,
        grantType: body?.grant_type ?? null,
        requestedTokenType: body?.requested_token_type ?? null,
      });
      return response;
    };

    if (!standIn.hasShop(shop)) return respond(HttpResponse.json({ errors: "Not Found" }, { status: 404 }));
    if (!body)
      return respond(oauthError(400, "invalid_request", "The request body must be JSON or form encoded."));
    if (body.client_id !== credentials.apiKey || body.client_secret !== credentials.apiSecret) {
      return respond(
        oauthError(
          401,
          "invalid_client",
          "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
        ),
      );
    }
    const expiring = body.expiring === "1" || body.expiring === "true";

    if (body.grant_type === "refresh_token") {
      const previous = body.refresh_token ? standIn.findByRefreshToken(shop, body.refresh_token) : null;
      if (!previous)
        return respond(oauthError(400, "invalid_grant", "The refresh token is invalid or expired."));
      standIn.revokeToken(previous.token);
      return respond(
        HttpResponse.json(
          tokenResponse(standIn, standIn.issueToken(shop, { kind: "offline", expiring: true })),
        ),
      );
    }
    if (body.grant_type !== GRANT_TOKEN_EXCHANGE) {
      return respond(
        oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${body.grant_type ?? ""}`),
      );
    }
    if (!body.subject_token)
      return respond(oauthError(400, "missing_subject_token", "The subject_token is missing."));

    if (body.subject_token_type === TOKEN_TYPE_OFFLINE) {
      // Migration of a non-expiring offline token to an expiring one; the old token stops working.
      const previous = standIn.activeToken(shop, body.subject_token);
      if (!previous || previous.kind !== "offline" || previous.expiresAt !== null) {
        return respond(
          oauthError(
            400,
            "invalid_subject_token",
            "The subject token is not a valid non-expiring offline token.",
          ),
        );
      }
      if (body.requested_token_type !== TOKEN_TYPE_OFFLINE || !expiring) {
        return respond(
          oauthError(
            400,
            "invalid_request",
            "Only expiring offline tokens can be requested for an offline token.",
          ),
        );
      }
      standIn.revokeToken(previous.token);
      return respond(
        HttpResponse.json(
          tokenResponse(standIn, standIn.issueToken(shop, { kind: "offline", expiring: true })),
        ),
      );
    }
    if (body.subject_token_type !== TOKEN_TYPE_ID_TOKEN) {
      return respond(
        oauthError(
          400,
          "invalid_request",
          `Unsupported subject_token_type: ${body.subject_token_type ?? ""}`,
        ),
      );
    }
    const verified = await verifySessionToken(body.subject_token, {
      apiKey: credentials.apiKey,
      secret: credentials.apiSecret,
      shop,
      now: standIn.clock.now(),
    });
    if (!verified.ok) return respond(oauthError(400, "invalid_subject_token", verified.reason));

    if (body.requested_token_type === TOKEN_TYPE_OFFLINE) {
      return respond(
        HttpResponse.json(tokenResponse(standIn, standIn.issueToken(shop, { kind: "offline", expiring }))),
      );
    }
    if (body.requested_token_type === TOKEN_TYPE_ONLINE) {
      const record = standIn.issueToken(shop, {
        kind: "online",
        expiring: true,
        userId: verified.payload.sub ?? null,
      });
      return respond(HttpResponse.json(tokenResponse(standIn, record)));
    }
    return respond(
      oauthError(
        400,
        "invalid_request",
        `Unsupported requested_token_type: ${body.requested_token_type ?? ""}`,
      ),
    );
  });
}
