// What the storefront's Liquid knows without asking the app: the earn rate
// as an integer fraction of a Liquid price (Liquid has integers, not
// decimals), the signup bonus and the rewards. docs/storefront.md.
import { parseCurrency } from "./money";
import type { Decimal, Rounding } from "./points";
import type { RewardKind } from "./reward";

const LIQUID_PRICE_DECIMALS = 2;

export interface StorefrontProgram {
  version: 1;
  currency: string;
  earn: { numerator: number; denominator: number; rounding: Rounding };
  signupBonus: number;
  rewards: { name: string; kind: RewardKind; pointsCost: number }[];
}

/**
 * Points for a Liquid price `p` are `p × numerator ÷ denominator`, rounded
 * as the shop rounds: the same arithmetic as `pointsFor`, so the product
 * page and the earned entry agree. Liquid gives every price in hundredths of
 * the currency's unit, whatever the currency's own minor unit (¥1,000 is
 * 100000), so the denominator always counts two decimals.
 */
export function storefrontProgram(input: {
  currency: string;
  earnRate: Decimal;
  rounding: Rounding;
  signupBonus: number;
  rewards: ReadonlyArray<{ name: string; kind: RewardKind; pointsCost: number }>;
}): StorefrontProgram {
  const currency = parseCurrency(input.currency);
  if (!currency) throw new Error(`Unknown currency ${input.currency}`);
  const denominator = 10n ** BigInt(LIQUID_PRICE_DECIMALS + input.earnRate.scale);
  return {
    version: 1,
    currency: input.currency,
    earn: {
      numerator: Number(input.earnRate.scaled),
      denominator: Number(denominator),
      rounding: input.rounding,
    },
    signupBonus: input.signupBonus,
    rewards: input.rewards.map(({ name, kind, pointsCost }) => ({ name, kind, pointsCost })),
  };
}
