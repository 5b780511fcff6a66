// What a merchant's reward is, validated before it is stored. Redemption
// turns one into a Shopify discount code or store credit (issue 6).
import { z } from "zod";
import { formatMinor, parseCurrency, parseMoney } from "./money";
import { fieldErrorsOf, ok, refuseFields, type Result } from "./result";

export type RewardKind = "AMOUNT_OFF" | "PERCENT_OFF" | "FREE_SHIPPING" | "STORE_CREDIT";

/** Which other discounts a reward's code may be combined with (Shopify's DiscountCombinesWith). */
export interface CombinesWith {
  orderDiscounts: boolean;
  productDiscounts: boolean;
  shippingDiscounts: boolean;
}

/** A validated reward: amounts in minor units of the shop currency, percentages in hundredths. */
export interface RewardChange {
  kind: RewardKind;
  name: string;
  pointsCost: number;
  /** Minor units off (AMOUNT_OFF) or credited (STORE_CREDIT); null otherwise. */
  amount: bigint | null;
  /** Hundredths of a percent off (1,000 = 10%) for PERCENT_OFF; null otherwise. */
  percentHundredths: number | null;
  /** Minor units the order subtotal must reach; null for none. Store credit has none. */
  minimumSubtotal: bigint | null;
  combinesWith: CombinesWith;
  /** Days an issued code stays valid; store credit is not a code and has none. */
  codeValidDays: number | null;
  enabled: boolean;
}

const Input = z.object({
  kind: z.enum(["AMOUNT_OFF", "PERCENT_OFF", "FREE_SHIPPING", "STORE_CREDIT"], {
    error: "Choose what the reward gives",
  }),
  name: z.string().trim().min(1, "Give the reward a name").max(60, "At most 60 characters"),
  pointsCost: z
    .number({ error: "Enter a number of points" })
    .int("Whole points only")
    .min(1, "A reward costs at least 1 point")
    .max(10_000_000, "At most 10,000,000 points"),
  /** An amount in shop currency (AMOUNT_OFF, STORE_CREDIT) or a percentage (PERCENT_OFF). */
  value: z.string().trim().optional(),
  minimumSubtotal: z.string().trim().optional(),
  combinesWith: z
    .object({
      orderDiscounts: z.boolean(),
      productDiscounts: z.boolean(),
      shippingDiscounts: z.boolean(),
    })
    .default({ orderDiscounts: false, productDiscounts: false, shippingDiscounts: false }),
  codeValidDays: z
    .number({ error: "Enter a number of days" })
    .int("Whole days only")
    .min(1, "A code stays valid at least a day")
    .max(365, "At most 365 days")
    .optional(),
  enabled: z.boolean().default(true),
});

const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

/**
 * Validates a merchant's reward in the shop's currency. Field → message on
 * failure. An amount with more precision than the currency has is refused,
 * never rounded; a percentage is 0.01–100.
 */
export function parseReward(
  input: unknown,
  shopCurrency: string,
): Result<RewardChange> & { fieldErrors?: Record<string, string> } {
  const parsed = Input.safeParse(input);
  const fieldErrors: Record<string, string> = {};
  if (!parsed.success) return refuseFields(fieldErrorsOf(parsed.error.issues));
  const reward = parsed.data;
  const currency = parseCurrency(shopCurrency);
  if (!currency) return refuseFields({ form: `${shopCurrency} is not a currency Shopify knows` });
  const money = (text: string | undefined, field: string, what: string): bigint | null => {
    if (text === undefined || text === "") return null;
    const parsedMoney = parseMoney(text, currency);
    if (!parsedMoney || parsedMoney.minor <= 0n) {
      fieldErrors[field] =
        `Enter ${what} in ${shopCurrency}, such as ${formatMinor({ currency, minor: 500n })}`;
      return null;
    }
    return parsedMoney.minor;
  };

  let amount: bigint | null = null;
  let percentHundredths: number | null = null;
  if (reward.kind === "AMOUNT_OFF" || reward.kind === "STORE_CREDIT") {
    amount = money(reward.value, "value", "an amount");
    if (amount === null) fieldErrors.value ??= `Enter an amount in ${shopCurrency}`;
  } else if (reward.kind === "PERCENT_OFF") {
    percentHundredths = percentOf(reward.value ?? "");
    if (percentHundredths === null) fieldErrors.value = "Enter a percentage from 0.01 to 100";
  } else if (reward.value) {
    fieldErrors.value = "Free shipping has no amount";
  }
  const isCode = reward.kind !== "STORE_CREDIT";
  const minimumSubtotal = isCode ? money(reward.minimumSubtotal, "minimumSubtotal", "a subtotal") : null;
  if (!isCode && reward.minimumSubtotal) fieldErrors.minimumSubtotal = "Store credit has no minimum order";
  if (isCode && reward.codeValidDays === undefined)
    fieldErrors.codeValidDays = "Enter how many days a code stays valid";
  if (Object.keys(fieldErrors).length) return refuseFields(fieldErrors);
  return ok({
    kind: reward.kind,
    name: reward.name,
    pointsCost: reward.pointsCost,
    amount,
    percentHundredths,
    minimumSubtotal,
    combinesWith: reward.combinesWith,
    codeValidDays: isCode ? reward.codeValidDays! : null,
    enabled: reward.enabled,
  });
}

function percentOf(text: string): number | null {
  const match = PERCENT.exec(text.trim());
  if (!match) return null;
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return hundredths >= 1 && hundredths <= 10_000 ? hundredths : null;
}
