// Consumer of the "daily" queue (producer: app/jobs/daily-queue.server.ts).
import { prisma } from "~/db.server";
import { dayOf } from "~/domain/birthday";
import { awardBirthdays } from "~/models/birthday.server";
import { expireInactive } from "~/models/expiry.server";
import { releaseDuePoints } from "~/models/pending-release.server";
import { recalculateTiers } from "~/models/tier-recalculation.server";
import { sweepRedemptions } from "~/services/redemption-sweep.server";
import { requestShopifySync } from "./sync-queue.server";

/**
 * The scheduled work: pending points whose period is over become spendable
 * (every shop at once, set-based), then each installed shop's birthday
 * bonuses, inactivity expiry and a full tier recalculation. Release runs first so expiry never races a
 * member's just-released points.
 */
export async function runDaily(day: string, now = new Date()): Promise<string> {
  const released = await releaseDuePoints(now);
  const today = dayOf(new Date(`${day}T00:00:00Z`));
  const shops = await prisma.shop.findMany({
    where: { installState: "INSTALLED" },
    select: { domain: true },
  });
  let bonuses = 0;
  let expired = 0;
  let tierMoves = 0;
  for (const { domain } of shops) {
    bonuses += await awardBirthdays(domain, today);
    expired += await expireInactive(domain, now);
    // Every member, set-based: windows roll over and grace periods end
    // without any ledger change to prompt a look.
    const tiers = await recalculateTiers(domain, now, "scheduled recalculation");
    tierMoves += tiers.up + tiers.down;
    // Moves are marked for Shopify by the trigger; this makes the write prompt.
    if (tiers.up + tiers.down > 0) await requestShopifySync(domain);
  }
  // Shopify is asked about codes shop by shop; a shop it will not answer for
  // is skipped (and logged), never failing the rest of the day's work.
  const codes = await sweepRedemptions(now);
  return (
    `${day}: ${released} orders' pending points released, ${bonuses} birthday bonuses, ${expired} expiries ` +
    `and ${tierMoves} tier moves across ${shops.length} shops; reward codes: ${codes.returned} returned, ` +
    `${codes.expired} expired, ${codes.used} used, ${codes.completed + codes.released} interrupted settled, ` +
    `${codes.unresolved} unresolved`
  );
}
