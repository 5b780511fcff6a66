import type { EarningRules } from "~/domain/earning-rules";
import { parseEarnRate } from "~/domain/points";

/** A new install's earning rules (1 point per unit, floor, orders/paid), with overrides. */
export function earningRules(
  overrides: Partial<Omit<EarningRules, "rate">> & { rate?: string } = {},
): EarningRules {
  const { rate = "1", ...rest } = overrides;
  return {
    rate: parseEarnRate(rate)!,
    includeShipping: false,
    includeTax: false,
    rounding: "FLOOR",
    minimumSubtotal: null,
    excludedProductGids: new Set(),
    earnOn: "ORDERS_PAID",
    earnOnTestOrders: false,
    pendingDays: 0,
    ruleVersion: 1,
    ...rest,
  };
}

/** What a merchant submits for the earning rules: a new install's, with overrides. */
export const earningRulesInput = (overrides: Record<string, unknown> = {}) => ({
  earnRate: "1",
  earnIncludeShipping: false,
  earnIncludeTax: false,
  rounding: "FLOOR",
  minimumSubtotal: null,
  excludedProductGids: [],
  earnOn: "ORDERS_PAID",
  earnOnTestOrders: false,
  signupBonus: 0,
  birthdayBonus: 0,
  expiryMonths: null,
  pendingDays: 0,
  ...overrides,
});
