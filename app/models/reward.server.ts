import { prisma } from "~/db.server";
import { parseReward, type RewardChange } from "~/domain/reward";
import type { Reward } from "~/generated/prisma/client";
import { markStorefrontChanged } from "./storefront-program.server";

export type RewardResult = { ok: true; reward: Reward } | { ok: false; fieldErrors: Record<string, string> };

function columnsOf(change: RewardChange) {
  return {
    kind: change.kind,
    name: change.name,
    pointsCost: change.pointsCost,
    amount: change.amount,
    percentHundredths: change.percentHundredths,
    minimumSubtotal: change.minimumSubtotal,
    combinesWithOrder: change.combinesWith.orderDiscounts,
    combinesWithProduct: change.combinesWith.productDiscounts,
    combinesWithShipping: change.combinesWith.shippingDiscounts,
    codeValidDays: change.codeValidDays,
    enabled: change.enabled,
  };
}

/**
 * Creates a reward, or changes one of this shop's (`id`), after validating it
 * in the shop's currency. An id that is not one of the shop's rewards is
 * refused, never created or changed.
 */
export async function saveReward(shop: string, input: unknown, id?: string): Promise<RewardResult> {
  const { currencyCode } = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
  const parsed = parseReward(input, currencyCode);
  if (!parsed.ok) return { ok: false, fieldErrors: parsed.fieldErrors ?? { form: parsed.reason } };
  const data = columnsOf(parsed.value);
  let reward: Reward;
  if (id === undefined) {
    reward = await prisma.reward.create({ data: { shop, ...data } });
  } else {
    const { count } = await prisma.reward.updateMany({ where: { id, shop }, data });
    if (count === 0) return { ok: false, fieldErrors: { form: "This reward no longer exists" } };
    reward = await prisma.reward.findUniqueOrThrow({ where: { id } });
  }
  // Guests see the rewards in the storefront's Liquid, from Shopify's copy.
  await markStorefrontChanged(shop);
  return { ok: true, reward };
}

/** The shop's rewards, cheapest first; only the enabled ones when `enabledOnly`. */
export function listRewards(shop: string, options: { enabledOnly?: boolean } = {}): Promise<Reward[]> {
  return prisma.reward.findMany({
    where: { shop, ...(options.enabledOnly ? { enabled: true } : {}) },
    orderBy: [{ pointsCost: "asc" }, { createdAt: "asc" }],
  });
}
