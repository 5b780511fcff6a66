// Turning points into a reward: the request a shopper sends, the code they
// get, and the Shopify input that makes the code. Pure: the caller supplies
// the randomness and the clock.
import { createHash } from "node:crypto";
import { z } from "zod";
import { formatMinor, parseCurrency } from "./money";
import type { CombinesWith, RewardKind } from "./reward";
import { describeIssues, ok, refuse, type Result } from "./result";

export interface RedeemRequest {
  rewardId: string;
  idempotencyKey: string;
}

const Request = z.object({
  rewardId: z.uuid(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "8–100 letters, digits, _ or -"),
});

export function parseRedeemRequest(body: unknown): Result<RedeemRequest> {
  const parsed = Request.safeParse(body);
  return parsed.success ? ok(parsed.data) : refuse(describeIssues(parsed.error));
}

/**
 * What a key was first used for. The same key with another reward (or, were
 * keys ever shared, another customer) is a different request, and is refused
 * rather than answered with the first one's result.
 */
export function requestHash(customerGid: string, rewardId: string): string {
  return createHash("sha256").update(`${customerGid}\n${rewardId}`).digest("hex");
}

// Crockford's base32 without I, L, O, U: nothing a shopper can misread or
// mistype, and no accidental words.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export const REWARD_CODE_PREFIX = "TALLY-";

/**
 * A code like `TALLY-7K3M-Q9XP-2D4R` from 12 random bytes: 60 bits taken, so
 * guessing another shopper's code is hopeless (and it would not work for
 * them: each code is limited to its customer).
 */
export function rewardCode(random: Uint8Array): string {
  if (random.length < 12) throw new RangeError("rewardCode needs 12 random bytes");
  const chars = Array.from(random.subarray(0, 12), (byte) => ALPHABET[byte & 31]);
  return `${REWARD_CODE_PREFIX}${chars.slice(0, 4).join("")}-${chars.slice(4, 8).join("")}-${chars.slice(8, 12).join("")}`;
}

/** The reward as bought, kept on the redemption so later edits never change it. */
export interface RewardSnapshot {
  kind: RewardKind;
  name: string;
  pointsCost: number;
  /** Minor units, as a string (JSON has no bigint). */
  amount: string | null;
  percentHundredths: number | null;
  minimumSubtotal: string | null;
  combinesWith: CombinesWith;
  codeValidDays: number | null;
  currency: string;
}

/** When a code made now stops working. */
export function codeEndsAt(reward: RewardSnapshot, now: Date): Date | null {
  if (reward.codeValidDays === null) return null;
  return new Date(now.getTime() + reward.codeValidDays * 86_400_000);
}

/** Minor units as Shopify's decimal string: 500 USD cents → "5.00". */
export function rewardAmount(minor: string, currency: string): string {
  const code = parseCurrency(currency);
  if (!code) throw new Error(`Unknown currency ${currency}`);
  return formatMinor({ currency: code, minor: BigInt(minor) });
}

/** A percentage in hundredths as Shopify's 0–1 fraction: 1,000 → 0.1. */
function fraction(hundredths: number): number {
  return hundredths / 10_000;
}

export type ShopifyReward =
  | { mutation: "discountCodeBasicCreate"; input: Record<string, unknown> }
  | { mutation: "discountCodeFreeShippingCreate"; input: Record<string, unknown> }
  | { mutation: "storeCreditAccountCredit"; amount: string; currency: string };

/**
 * What to ask Shopify for. A discount is one code for one customer
 * (`context.customers`; the deprecated `customerSelection` is not used), used
 * at most once (`usageLimit: 1`, `appliesOncePerCustomer`), ending after the
 * reward's validity.
 */
export function shopifyRewardInput(
  reward: RewardSnapshot,
  options: { code: string; customerGid: string; now: Date },
): ShopifyReward {
  if (reward.kind === "STORE_CREDIT") {
    return {
      mutation: "storeCreditAccountCredit",
      amount: rewardAmount(reward.amount!, reward.currency),
      currency: reward.currency,
    };
  }
  const endsAt = codeEndsAt(reward, options.now);
  const common = {
    title: `Tally reward: ${reward.name} (${options.code})`,
    code: options.code,
    startsAt: options.now.toISOString(),
    endsAt: endsAt?.toISOString() ?? null,
    context: { customers: { add: [options.customerGid] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: reward.combinesWith,
    minimumRequirement:
      reward.minimumSubtotal === null
        ? null
        : {
            subtotal: { greaterThanOrEqualToSubtotal: rewardAmount(reward.minimumSubtotal, reward.currency) },
          },
  };
  if (reward.kind === "FREE_SHIPPING") {
    return { mutation: "discountCodeFreeShippingCreate", input: { ...common, destination: { all: true } } };
  }
  const value =
    reward.kind === "PERCENT_OFF"
      ? { percentage: fraction(reward.percentHundredths!) }
      : {
          discountAmount: { amount: rewardAmount(reward.amount!, reward.currency), appliesOnEachItem: false },
        };
  return {
    mutation: "discountCodeBasicCreate",
    input: { ...common, customerGets: { value, items: { all: true } } },
  };
}
