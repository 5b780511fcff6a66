import { randomUUID } from "node:crypto";
import { onTestFinished } from "vitest";
import { prisma } from "~/db.server";
import { replaceRedeemRateLimiter } from "~/jobs/rate-limit.server";
import { postEntry } from "~/models/ledger.server";
import * as proxyRedeem from "~/routes/proxy.redeem";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { callRoute } from "./routes";

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/** A member holding `points`, given by a BONUS entry so the ledger and the balance agree. */
export async function memberWithPoints(shop: string, customerGid: string, points: number) {
  const member = await prisma.member.create({ data: { shop, customerGid } });
  if (points === 0) return member.id;
  await prisma.$transaction((tx) =>
    postEntry(tx, {
      shop,
      memberId: member.id,
      kind: "BONUS",
      points,
      reason: "test balance",
      source: null,
      idempotencyKey: `test-balance:${member.id}`,
      details: {},
    }),
  );
  return member.id;
}

/**
 * For the rest of this test every redeem passes the rate limit: for races
 * that prove what the database guarantees on its own (the limit is a speed
 * bump, not the guard against spending twice).
 */
export function withoutRedeemLimit() {
  onTestFinished(replaceRedeemRateLimiter({ take: async () => ({ allowed: true }) }));
}

export interface RedeemCall {
  rewardId: string;
  idempotencyKey?: string;
  contentType?: string;
  body?: string;
  secret?: string;
}

/** POST /apps/tally/redeem as Shopify's app proxy forwards it; `customerGid` null is a guest. */
export async function redeemCall(shop: string, customerGid: string | null, call: RedeemCall) {
  const url = signAppProxyUrl({
    secret: call.secret ?? process.env.SHOPIFY_API_SECRET!,
    shop,
    url: "https://tally.test/proxy/redeem",
    loggedInCustomerId: customerGid ? numericId(customerGid) : "",
  });
  const request = new Request(url, {
    method: "POST",
    headers: { "Content-Type": call.contentType ?? "application/json" },
    body:
      call.body ??
      JSON.stringify({ rewardId: call.rewardId, idempotencyKey: call.idempotencyKey ?? randomUUID() }),
  });
  const response = (await callRoute(proxyRedeem.action, request)) as Response;
  return { status: response.status, headers: response.headers, body: (await response.json()) as RedeemBody };
}

export interface RedeemBody {
  error?: string;
  message?: string;
  points?: number;
  redemption?: {
    id: string;
    rewardId: string;
    rewardName: string;
    kind: string;
    code: string | null;
    credit: { amount: string; currency: string } | null;
    expiresAt: string | null;
    status: string;
    pointsSpent: number;
  };
}

/** The member's balances and whether they still add up to the ledger. */
export async function balancesOf(memberId: string) {
  const member = await prisma.member.findUniqueOrThrow({ where: { id: memberId } });
  const sum = await prisma.ledgerEntry.aggregate({ where: { memberId }, _sum: { points: true } });
  return {
    points: member.points,
    reserved: member.reservedPoints,
    // The ledger's rule while a redemption is in flight: points + reserved = Σ entries.
    ledgerAgrees: member.points + member.reservedPoints === (sum._sum.points ?? 0),
  };
}
