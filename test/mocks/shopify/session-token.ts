import { randomUUID } from "node:crypto";

import { jwtVerify, SignJWT, type JWTPayload } from "jose";

export interface MintSessionTokenInput {
  shop: string;
  apiKey: string;
  secret: string;
  /** Staff user id (numeric string); Shopify always sets one for admin session tokens. */
  sub?: string;
  sid?: string;
  expiresInSeconds?: number;
  /** Issue time; defaults to now. Lets tests mint tokens that are already expired. */
  issuedAt?: Date;
}

/** An App Bridge session token: HS256 JWT signed with the app secret, lifetime one minute. */
export async function mintSessionToken(input: MintSessionTokenInput): Promise<string> {
  const iat = Math.trunc((input.issuedAt ?? new Date()).getTime() / 1000);
  return new SignJWT({ dest: `https://${input.shop}`, sid: input.sid ?? randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${input.shop}/admin`)
    .setAudience(input.apiKey)
    .setSubject(input.sub ?? "42")
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (input.expiresInSeconds ?? 60))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(input.secret));
}

export interface VerifiedSessionToken extends JWTPayload {
  dest: string;
}

/**
 * Verifies a session token the way Shopify's token endpoint must: signature with the app secret,
 * audience = client id, not expired (10 s tolerance, as shopify-api allows), dest = the shop.
 * Returns the reason text on failure so callers can answer with an OAuth error.
 */
export async function verifySessionToken(
  token: string,
  expected: { apiKey: string; secret: string; shop: string; now: number },
): Promise<{ ok: true; payload: VerifiedSessionToken } | { ok: false; reason: string }> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(expected.secret), {
      algorithms: ["HS256"],
      audience: expected.apiKey,
      clockTolerance: 10,
      currentDate: new Date(expected.now),
    });
    if (typeof payload.dest !== "string" || new URL(payload.dest).hostname !== expected.shop) {
      return { ok: false, reason: "Session token dest does not match the shop" };
    }
    return { ok: true, payload: payload as VerifiedSessionToken };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
