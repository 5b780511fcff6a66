// What the storefront's Liquid knows without asking the app: the earn rate
// as an integer fraction of a price in minor units (Liquid has integers,
// not decimals), the signup bonus and the rewards. docs/storefront.md.
import { minorUnitExponent, parseCurrency } from "./money";
import type { Decimal, Rounding } from "./points";
import type { RewardKind } from "./reward";

export interface StorefrontProgram {
  version: 1;
  currency: string;
  earn: { numerator: number; denominator: number; rounding: Rounding };
  signupBonus: number;
  rewards: { name: string; kind: RewardKind; pointsCost: number }[];
}

/**
 * Points for a price of `p` minor units are `p × numerator ÷ denominator`,
 * rounded as the shop rounds: the same integers `pointsFor` uses, so the
 * product page and the earned entry agree.
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
  const denominator = 10n ** BigInt(minorUnitExponent(currency) + input.earnRate.scale);
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
