import { z } from "zod";
import { formatMinor, parseMoney, type Money } from "./money";
import type { OrderFacts } from "./order";
import {
  formatDecimal,
  ONE,
  parseDecimal,
  pointsFor,
  type Decimal,
  type EarnRate,
  type Rounding,
} from "./points";
import { ok, refuse, type Result } from "./result";

export type EarnEvent = "ORDERS_PAID" | "ORDERS_FULFILLED";

/** How a shop's members earn on orders. Stored in ProgramSettings. */
export interface EarningRules {
  readonly rate: EarnRate;
  readonly includeShipping: boolean;
  readonly includeTax: boolean;
  readonly rounding: Rounding;
  /** Decimal text in shop currency; orders whose subtotal is below it earn nothing. */
  readonly minimumSubtotal: string | null;
  readonly excludedProductGids: ReadonlySet<string>;
  readonly earnOn: EarnEvent;
  readonly earnOnTestOrders: boolean;
  /** Days order points stay pending before they can be spent; 0 = at once. */
  readonly pendingDays: number;
  readonly ruleVersion: number;
}

export type EarnDecision =
  | { kind: "earn"; points: number; base: Money; reason: string; details: Record<string, unknown> }
  | { kind: "skip"; status: "IGNORED" | "PROCESSED" | "REJECTED"; reason: string };

/**
 * Most points one order may earn. Far above any real order (a million
 * dollars at 100 points per dollar), and far below what a balance column
 * holds, so an absurd order is refused with a reason instead of failing the
 * batch it arrived in.
 */
export const MAX_POINTS_PER_ORDER = 100_000_000;

const EVENT_TOPIC: Record<EarnEvent, string> = {
  ORDERS_PAID: "orders/paid",
  ORDERS_FULFILLED: "orders/fulfilled",
};

/**
 * Whether and how much an order earns under the shop's rules, for the event
 * that reported it. `multiplier` is the member's earn multiplier (VIP tiers
 * set it; 1 otherwise). The details say everything needed to explain the
 * entry later and to claw back at the rate that was earned.
 */
export function decideEarning(
  order: OrderFacts,
  rules: EarningRules,
  event: EarnEvent,
  multiplier: Decimal = ONE,
): EarnDecision {
  if (event !== rules.earnOn) {
    return { kind: "skip", status: "IGNORED", reason: `this shop earns on ${EVENT_TOPIC[rules.earnOn]}` };
  }
  if (!order.customerGid)
    return { kind: "skip", status: "IGNORED", reason: "guest order: no customer to credit" };
  if (order.test && !rules.earnOnTestOrders) {
    return {
      kind: "skip",
      status: "IGNORED",
      reason: "test order: this shop does not award points on test orders",
    };
  }
  if (rules.minimumSubtotal !== null) {
    const minimum = parseMoney(rules.minimumSubtotal, order.currency);
    if (minimum && order.subtotal.minor < minimum.minor) {
      return {
        kind: "skip",
        status: "PROCESSED",
        reason: `subtotal ${formatMinor(order.subtotal)} ${order.currency} is below the ${formatMinor(minimum)} minimum`,
      };
    }
  }

  const { base, excludedLines } = eligibleBase(order, rules);
  const amount = `${formatMinor(base)} ${order.currency}`;
  const points = safePoints(() => pointsFor(base, rules.rate, multiplier, rules.rounding));
  if (points === null || points > MAX_POINTS_PER_ORDER) {
    return {
      kind: "skip",
      status: "REJECTED",
      reason: `order would earn more than ${MAX_POINTS_PER_ORDER.toLocaleString("en-US")} points on ${amount}: refused for review`,
    };
  }
  if (points === 0) return { kind: "skip", status: "PROCESSED", reason: `order earns 0 points on ${amount}` };

  const rate = formatDecimal(rules.rate);
  const times =
    multiplier.scaled === 10n ** BigInt(multiplier.scale) ? "" : ` × ${formatDecimal(multiplier)}`;
  return {
    kind: "earn",
    points,
    base,
    reason: `Order ${order.orderName ?? order.orderGid} (${EVENT_TOPIC[event]}): ${amount} at ${rate} points per ${order.currency}${times}`,
    details: {
      rule: EVENT_TOPIC[event],
      ruleVersion: rules.ruleVersion,
      rate,
      multiplier: formatDecimal(multiplier),
      rounding: rules.rounding,
      base: formatMinor(base),
      currency: order.currency,
      includeShipping: rules.includeShipping,
      includeTax: rules.includeTax,
      taxesIncluded: order.taxesIncluded,
      excludedLines,
    },
  };
}

/**
 * The amount an order earns on: its subtotal after discounts (Shopify's
 * subtotal_price), less gift-card lines (buying a gift card is not spending;
 * what it later buys earns) and excluded products, without tax unless the
 * shop includes it (Shopify folds tax into the subtotal when prices include
 * it), plus shipping after shipping discounts when the shop includes it.
 */
function eligibleBase(order: OrderFacts, rules: EarningRules): { base: Money; excludedLines: string[] } {
  let minor = order.subtotal.minor;
  const excludedLines: string[] = [];
  for (const line of order.lines) {
    const excluded =
      line.giftCard || (line.productGid !== null && rules.excludedProductGids.has(line.productGid));
    if (excluded) {
      // Its price, and with it any tax folded into that price, leaves the base.
      minor -= line.discountedTotal.minor;
      if (!line.giftCard) excludedLines.push(line.lineGid ?? line.productGid!);
      continue;
    }
    if (order.taxesIncluded && !rules.includeTax) minor -= line.tax.minor;
    if (!order.taxesIncluded && rules.includeTax) minor += line.tax.minor;
  }
  if (rules.includeShipping) {
    minor += order.shipping.minor;
    if (order.taxesIncluded && !rules.includeTax) minor -= order.shippingTax.minor;
    if (!order.taxesIncluded && rules.includeTax) minor += order.shippingTax.minor;
  }
  return { base: { currency: order.currency, minor: minor > 0n ? minor : 0n }, excludedLines };
}

function safePoints(compute: () => number): number | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/\d+$/;

const BonusPoints = z
  .number()
  .int("Whole points only")
  .min(0, "Use 0 to turn the bonus off")
  .max(1_000_000, "At most 1,000,000 points");

/** What a merchant may submit for the earning rules, with a message per field. */
export const EarningRulesInput = z.object({
  earnRate: z
    .string()
    .refine((text) => parseDecimal(text) !== null, "Use a number with at most 4 decimals, e.g. 1 or 0.1")
    .refine((text) => Number(text) <= 10_000, "At most 10,000 points per unit of currency"),
  earnIncludeShipping: z.boolean(),
  earnIncludeTax: z.boolean(),
  rounding: z.enum(["FLOOR", "HALF_UP", "CEIL"]),
  minimumSubtotal: z
    .string()
    .regex(/^\d{1,10}(\.\d{1,4})?$/, "Use an amount such as 25 or 25.00")
    .nullable(),
  excludedProductGids: z
    .array(z.string().regex(PRODUCT_GID, "Must be a product GID (gid://shopify/Product/…)"))
    .max(1_000, "At most 1,000 excluded products")
    .transform((gids) => [...new Set(gids)]),
  earnOn: z.enum(["ORDERS_PAID", "ORDERS_FULFILLED"]),
  earnOnTestOrders: z.boolean(),
  signupBonus: BonusPoints,
  birthdayBonus: BonusPoints,
  expiryMonths: z
    .number()
    .int("Whole months only")
    .min(1, "At least 1 month, or leave empty for points that never expire")
    .max(60, "At most 60 months")
    .nullable(),
  pendingDays: z
    .number()
    .int("Whole days only")
    .min(0, "Use 0 for points that can be spent at once")
    .max(365, "At most 365 days"),
  // Points of a reward code that expires unused come back to the member.
  // Optional so that a form without it leaves the shop's choice alone.
  returnExpiredCodes: z.boolean().optional(),
});

export type EarningRulesChange = z.infer<typeof EarningRulesInput>;

/** Validates a merchant's change to the earning rules: field → message on failure. */
export function parseEarningRulesChange(input: unknown): Result<EarningRulesChange> & {
  fieldErrors?: Record<string, string>;
} {
  const parsed = EarningRulesInput.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[issue.path.join(".") || "form"] ??= issue.message;
  return {
    ...refuse(
      Object.entries(fieldErrors)
        .map(([f, m]) => `${f}: ${m}`)
        .join("; "),
    ),
    fieldErrors,
  };
}
