import { prisma } from "~/db.server";
import { parseEarningRulesChange, type EarningRules, type EarningRulesChange } from "~/domain/earning-rules";
import { parseEarnRate } from "~/domain/points";
import type { ProgramSettings } from "~/generated/prisma/client";
import { markStorefrontChanged } from "./storefront-program.server";

/** The shop's earning rules as the domain reads them; null when it has no program. */
export async function getEarningRules(shop: string): Promise<EarningRules | null> {
  const settings = await prisma.programSettings.findUnique({ where: { shop } });
  return settings ? rulesFrom(settings) : null;
}

export function rulesFrom(settings: ProgramSettings): EarningRules {
  const rate = parseEarnRate(settings.earnRate.toString());
  // The column's CHECK and precision make this unreachable; fail loudly if not.
  if (!rate) throw new Error(`stored earn rate ${settings.earnRate} is not a valid rate`);
  return {
    rate,
    includeShipping: settings.earnIncludeShipping,
    includeTax: settings.earnIncludeTax,
    rounding: settings.rounding,
    minimumSubtotal: settings.minimumSubtotal?.toString() ?? null,
    excludedProductGids: new Set(settings.excludedProductGids),
    earnOn: settings.earnOn,
    earnOnTestOrders: settings.earnOnTestOrders,
    pendingDays: settings.pendingDays,
    ruleVersion: settings.ruleVersion,
  };
}

export type RulesUpdate =
  { ok: true; ruleVersion: number } | { ok: false; fieldErrors: Record<string, string> };

/**
 * Applies a merchant's change to the earning rules. Every change gets a new
 * rule version, so entries posted after it say which rules produced them;
 * entries already posted keep the snapshot of the rules they were earned under.
 */
export async function updateEarningRules(shop: string, input: unknown): Promise<RulesUpdate> {
  const change = parseEarningRulesChange(input);
  if (!change.ok) return { ok: false, fieldErrors: change.fieldErrors ?? { form: change.reason } };
  const current = await prisma.programSettings.findUniqueOrThrow({ where: { shop } });
  // A new or changed expiry period starts now: nobody expires sooner than
  // that many months after the merchant chose it.
  const expiryEnabledAt =
    change.value.expiryMonths === null
      ? null
      : change.value.expiryMonths === current.expiryMonths
        ? current.expiryEnabledAt
        : new Date();
  const saved = await prisma.programSettings.update({
    where: { shop },
    data: { ...toColumns(change.value), expiryEnabledAt, ruleVersion: { increment: 1 } },
    select: { ruleVersion: true },
  });
  // The product pages' "earn N points" is computed in Liquid from Shopify's copy.
  await markStorefrontChanged(shop);
  return { ok: true, ruleVersion: saved.ruleVersion };
}

function toColumns(change: EarningRulesChange) {
  return {
    earnRate: change.earnRate,
    earnIncludeShipping: change.earnIncludeShipping,
    earnIncludeTax: change.earnIncludeTax,
    rounding: change.rounding,
    minimumSubtotal: change.minimumSubtotal,
    excludedProductGids: change.excludedProductGids,
    earnOn: change.earnOn,
    earnOnTestOrders: change.earnOnTestOrders,
    signupBonus: change.signupBonus,
    birthdayBonus: change.birthdayBonus,
    expiryMonths: change.expiryMonths,
    pendingDays: change.pendingDays,
    ...(change.returnExpiredCodes === undefined ? {} : { returnExpiredCodes: change.returnExpiredCodes }),
  };
}
