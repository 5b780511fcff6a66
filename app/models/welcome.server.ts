import { prisma } from "~/db.server";
import type { NewCustomer } from "~/domain/customer-payload";
import type { Settlement } from "./earning.server";
import { ERASED_OUTCOME, erasedAmong } from "./erasure.server";
import { postEntry } from "./ledger.server";

/**
 * customers/create: the customer becomes a member (with the name and email
 * support will look them up by) and, when the shop offers one, gets the
 * sign-up bonus once, keyed on the customer's GID, however often Shopify
 * delivers the webhook.
 */
export async function welcomeMember(shop: string, customer: NewCustomer): Promise<Settlement> {
  return prisma.$transaction(async (tx) => {
    if ((await erasedAmong(tx, shop, [customer.customerGid])).size > 0) {
      return { status: "IGNORED" as const, outcome: ERASED_OUTCOME };
    }
    const member = await tx.member.upsert({
      where: { shop_customerGid: { shop, customerGid: customer.customerGid } },
      create: { shop, ...customer },
      update: { email: customer.email, firstName: customer.firstName, lastName: customer.lastName },
      select: { id: true },
    });
    const settings = await tx.programSettings.findUnique({ where: { shop } });
    if (!settings || settings.signupBonus === 0) {
      return { status: "PROCESSED" as const, outcome: "member created; this shop offers no sign-up bonus" };
    }
    const result = await postEntry(tx, {
      shop,
      memberId: member.id,
      kind: "BONUS",
      points: settings.signupBonus,
      reason: `Sign-up bonus: ${settings.signupBonus} points for joining`,
      source: customer.customerGid,
      idempotencyKey: `signup:${customer.customerGid}`,
      details: { rule: "customers/create", ruleVersion: settings.ruleVersion, bonus: settings.signupBonus },
    });
    return {
      status: "PROCESSED" as const,
      outcome: result.posted
        ? `sign-up bonus of ${settings.signupBonus} points (entry ${result.entryId})`
        : "sign-up bonus already awarded",
    };
  });
}
