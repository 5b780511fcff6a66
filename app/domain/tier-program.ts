import { z } from "zod";
import { formatMinor, parseCurrency, parseMoney } from "./money";
import { formatDecimal, parseDecimal } from "./points";
import { fieldErrorsOf, ok, refuseFields, type Result } from "./result";
import type { TierMetric, TierProgram, TierWindow } from "./tiers";

const TierInput = z.object({
  /** Present for a tier that already exists: members keep it across edits. */
  id: z.string().uuid().optional(),
  // Shopify splits tags at commas: the tier's tag would become two.
  name: z
    .string()
    .trim()
    .min(1, "Give the tier a name")
    .max(40, "At most 40 characters")
    .refine((name) => !name.includes(","), "Commas cannot be used in a tier name"),
  /** Points, an amount in shop currency (e.g. 500 or 499.99), or a number of orders. */
  threshold: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,4})?$/, "Use a number such as 500 or 499.99"),
  multiplier: z
    .string()
    .trim()
    .refine((text) => {
      const value = Number(text);
      return parseDecimal(text) !== null && value >= 1 && value <= 10;
    }, "Use a multiplier from 1 to 10, e.g. 1.5"),
  earlyAccess: z.boolean(),
  perks: z.string().max(500, "At most 500 characters"),
});

export const TierProgramInput = z.object({
  metric: z.enum(["POINTS_EARNED", "AMOUNT_SPENT", "PAID_ORDERS"]),
  window: z.enum(["LIFETIME", "CALENDAR_YEAR", "ROLLING_12_MONTHS"]),
  graceDays: z
    .number({ error: "Enter a number of days" })
    .int("Whole days only")
    .min(0, "Use 0 to move members down at once")
    .max(365, "At most 365 days"),
  tiers: z.array(TierInput).min(1, "Add at least one tier").max(20, "At most 20 tiers"),
  /** Members get the Shopify customer tag `<prefix><tier name>`. */
  tagPrefix: z
    .string()
    .max(40, "At most 40 characters")
    .refine((prefix) => !prefix.includes(","), "Commas cannot be used in a tag")
    .default("VIP: "),
});

/** A tier program as the merchant edits it: thresholds and multipliers as text, in the metric's unit. */
export type TierProgramValues = z.output<typeof TierProgramInput>;

/** What a shop without tiers is offered to start from; nothing is stored until the merchant saves. */
export const STARTER_TIER_PROGRAM: TierProgramValues = {
  metric: "POINTS_EARNED",
  window: "LIFETIME",
  graceDays: 30,
  tagPrefix: "VIP: ",
  tiers: [
    { name: "Bronze", threshold: "0", multiplier: "1", earlyAccess: false, perks: "" },
    { name: "Silver", threshold: "500", multiplier: "1.25", earlyAccess: false, perks: "" },
    { name: "Gold", threshold: "2000", multiplier: "1.5", earlyAccess: true, perks: "" },
  ],
};

/** A program change, validated: thresholds in the metric's unit, ready to store. */
export interface TierProgramChange {
  metric: TierMetric;
  window: TierWindow;
  graceDays: number;
  tagPrefix: string;
  tiers: Array<{
    id?: string;
    name: string;
    threshold: bigint;
    multiplier: string;
    earlyAccess: boolean;
    perks: string;
  }>;
}

/**
 * Validates a merchant's tier program. Thresholds are read in the metric's
 * unit (an amount in the shop's currency becomes minor units) and must climb
 * strictly; names are unique. Field → message on failure.
 */
export function parseTierProgram(
  input: unknown,
  shopCurrency: string,
): Result<TierProgramChange> & { fieldErrors?: Record<string, string> } {
  const parsed = TierProgramInput.safeParse(input);
  const fieldErrors: Record<string, string> = {};
  if (!parsed.success) return refuseFields(fieldErrorsOf(parsed.error.issues));
  const program = parsed.data;
  const currency = parseCurrency(shopCurrency);
  const tiers: TierProgramChange["tiers"] = [];
  const names = new Set<string>();
  program.tiers.forEach((tier, index) => {
    const threshold = thresholdIn(program.metric, tier.threshold, currency);
    if (threshold === null) {
      fieldErrors[`tiers.${index}.threshold`] =
        program.metric === "AMOUNT_SPENT" ? `Not an amount in ${shopCurrency}` : "Use a whole number";
      return;
    }
    const previous = tiers.at(-1);
    if (previous && threshold <= previous.threshold) {
      fieldErrors[`tiers.${index}.threshold`] = "Each tier must start above the one before it";
    }
    const key = tier.name.toLowerCase();
    if (names.has(key)) fieldErrors[`tiers.${index}.name`] = "Another tier has this name";
    names.add(key);
    tiers.push({ ...tier, threshold });
  });
  if (Object.keys(fieldErrors).length) return refuseFields(fieldErrors);
  const { metric, window, graceDays, tagPrefix } = program;
  return ok({ metric, window, graceDays, tagPrefix, tiers });
}

/**
 * A stored program as the merchant edits it, the inverse of
 * `parseTierProgram`: amount thresholds back in major units of the shop
 * currency (49999 → "499.99"), multipliers as text, tier ids kept so a save
 * keeps each tier's members.
 */
export function tierProgramValues(
  program: TierProgram,
  tagPrefix: string,
  shopCurrency: string,
): TierProgramValues {
  return {
    metric: program.metric,
    window: program.window,
    graceDays: program.graceDays,
    tagPrefix,
    tiers: program.tiers.map((tier) => ({
      id: tier.id,
      name: tier.name,
      threshold: formatThreshold(program.metric, tier.threshold, shopCurrency),
      multiplier: formatDecimal(tier.multiplier),
      earlyAccess: tier.earlyAccess,
      perks: tier.perks,
    })),
  };
}

/** A threshold in the metric's unit: points, an amount in the shop currency, or orders. */
export function formatThreshold(metric: TierMetric, threshold: bigint, shopCurrency: string): string {
  const currency = parseCurrency(shopCurrency);
  // An amount threshold is only ever stored under a currency parseCurrency knows.
  if (metric !== "AMOUNT_SPENT" || !currency) return threshold.toString();
  return formatMinor({ currency, minor: threshold });
}

function thresholdIn(
  metric: TierMetric,
  text: string,
  currency: ReturnType<typeof parseCurrency>,
): bigint | null {
  if (metric !== "AMOUNT_SPENT") return /^\d+$/.test(text) ? BigInt(text) : null;
  if (!currency) return null;
  return parseMoney(text, currency)?.minor ?? null;
}
