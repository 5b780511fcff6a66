// A shopper spends points on a reward (POST /apps/tally/redeem). Two phases:
// reserve the points in the database, ask Shopify for the reward, then post
// the entry, or give the points back if Shopify said no. The idempotency key
// makes a retry or a double click return the first answer.
import { randomBytes } from "node:crypto";
import { prisma } from "~/db.server";
import {
  codeEndsAt,
  requestHash,
  rewardAmount,
  rewardCode,
  shopifyRewardInput,
  type RedeemRequest,
  type RewardSnapshot,
} from "~/domain/redemption";
import type { Redemption } from "~/generated/prisma/client";
import {
  completeRedemption,
  findRedemptionByCustomer,
  releaseReservation,
  reservePoints,
  snapshotOf,
} from "~/models/redemption.server";
import { ShopNotConnectedError, type AdminClient } from "./admin-client.server";
import { AdminApiError } from "./admin-graphql.server";
import { issueReward, lookUpCode } from "./reward-issue.server";

export interface RedeemAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
}

const error = (status: number, code: string, message: string): RedeemAnswer => ({
  status,
  body: { error: code, message },
  replayed: false,
});

/**
 * The largest redeem body read. A real one is under 200 bytes (a UUID and a
 * key of at most 100 characters); 4 KiB leaves room for a field or two more
 * and is one read on any connection, so a flood of bodies costs no memory.
 */
export const REDEEM_BODY_LIMIT_BYTES = 4_096;

export interface RedeemOptions {
  shop: string;
  customerGid: string;
  request: RedeemRequest;
  client: () => AdminClient;
  now?: () => Date;
  random?: (bytes: number) => Uint8Array;
}

export async function redeem(options: RedeemOptions): Promise<RedeemAnswer> {
  const { shop, customerGid, now = () => new Date(), random = randomBytes } = options;
  const { rewardId, idempotencyKey } = options.request;
  const hash = requestHash(customerGid, rewardId);

  // Independent reads, at once: a burst of clicks should not queue on round trips.
  const [member, earlier, reward] = await Promise.all([
    prisma.member.findUnique({ where: { shop_customerGid: { shop, customerGid } }, select: { id: true } }),
    findRedemptionByCustomer(shop, customerGid, idempotencyKey),
    prisma.reward.findFirst({
      where: { id: rewardId, shop },
      include: { shopRef: { select: { currencyCode: true } } },
    }),
  ]);
  // A replay answers as the first request did, even if the reward has since changed.
  if (earlier) return replay(earlier, hash);
  if (!reward) return error(404, "unknown_reward", "This shop has no such reward");
  if (!reward.enabled) return error(409, "reward_disabled", "This reward is switched off");
  if (!member) return insufficient();

  const snapshot = snapshotOf(reward, reward.shopRef.currencyCode);
  const code = snapshot.kind === "STORE_CREDIT" ? null : rewardCode(random(12));
  const reservation = await reservePoints({
    shop,
    memberId: member.id,
    rewardId,
    idempotencyKey,
    requestHash: hash,
    reward: snapshot,
    code,
  });
  if (!reservation.reserved) {
    if (reservation.reason === "insufficient_points") return insufficient();
    // The same key arrived twice at once; the other request holds it.
    return replay((await findRedemptionByCustomer(shop, customerGid, idempotencyKey))!, hash);
  }
  return settle(reservation.redemption, snapshot, customerGid, options.client, now());
}

const insufficient = () => error(409, "insufficient_points", "The balance does not cover this reward");

async function settle(
  redemption: Redemption,
  snapshot: RewardSnapshot,
  customerGid: string,
  makeClient: () => AdminClient,
  now: Date,
): Promise<RedeemAnswer> {
  const input = shopifyRewardInput(snapshot, { code: redemption.code ?? "", customerGid, now });
  const expiresAt = codeEndsAt(snapshot, now);
  const status = input.mutation === "storeCreditAccountCredit" ? "CREDITED" : "ISSUED";
  let shopifyId: string;
  try {
    const client = makeClient();
    const issued = await issueReward(client, input, customerGid);
    if (!issued.ok) return refused(redemption, issued.refusal);
    shopifyId = issued.shopifyId;
  } catch (thrown) {
    if (thrown instanceof AdminApiError || thrown instanceof ShopNotConnectedError) {
      return refused(redemption, thrown.message);
    }
    // No answer: the code may or may not exist in Shopify.
    const found = await findIssuedCode(redemption, makeClient);
    if (found === "unknown") {
      // Left PENDING with the points held; the sweep settles it once Shopify answers.
      console.error(`[redeem] ${redemption.id} of ${redemption.shop} unsettled:`, thrown);
      return error(502, "shopify_refused", "Shopify did not answer; the points are held until it does");
    }
    if (found === null) return refused(redemption, `Shopify did not answer: ${describe(thrown)}`);
    shopifyId = found;
  }
  const done = await completeRedemption(redemption, { status, shopifyId, expiresAt });
  return answer(done ?? (await prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })), false);
}

/** After an unanswered create: the code's id if Shopify has it, null if not, "unknown" if Shopify still does not answer. */
async function findIssuedCode(
  redemption: Redemption,
  makeClient: () => AdminClient,
): Promise<string | null | "unknown"> {
  // Store credit has no key to look it up by: a person must check.
  if (!redemption.code) return "unknown";
  try {
    return (await lookUpCode(makeClient(), redemption.code))?.shopifyId ?? null;
  } catch {
    return "unknown";
  }
}

async function refused(redemption: Redemption, refusal: string): Promise<RedeemAnswer> {
  console.warn(`[redeem] Shopify refused ${redemption.id} of ${redemption.shop}: ${refusal}`);
  await releaseReservation(redemption, refusal);
  return error(502, "shopify_refused", `Shopify refused the reward: ${refusal}`);
}

function describe(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

async function replay(earlier: Redemption, hash: string): Promise<RedeemAnswer> {
  if (earlier.requestHash !== hash) {
    return error(422, "idempotency_key_reused", "This idempotency key was used for another request");
  }
  if (earlier.status === "PENDING") {
    return error(409, "redemption_in_progress", "This request is still being processed");
  }
  if (earlier.status === "FAILED") {
    return {
      ...error(502, "shopify_refused", `Shopify refused the reward: ${earlier.failure}`),
      replayed: true,
    };
  }
  return answer(earlier, true);
}

async function answer(redemption: Redemption, replayed: boolean): Promise<RedeemAnswer> {
  const reward = redemption.reward as unknown as RewardSnapshot;
  const member = await prisma.member.findUniqueOrThrow({
    where: { id: redemption.memberId },
    select: { points: true },
  });
  const credit =
    reward.kind === "STORE_CREDIT"
      ? { amount: rewardAmount(reward.amount!, reward.currency), currency: reward.currency }
      : null;
  return {
    status: 200,
    replayed,
    body: {
      redemption: {
        id: redemption.id,
        rewardId: redemption.rewardId,
        rewardName: reward.name,
        kind: reward.kind,
        code: redemption.code,
        credit,
        expiresAt: redemption.expiresAt?.toISOString() ?? null,
        status: redemption.status,
        pointsSpent: redemption.pointsCost,
      },
      points: member.points,
    },
  };
}
