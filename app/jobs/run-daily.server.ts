// Consumer of the "daily" queue (producer: app/jobs/daily-queue.server.ts).
import { prisma } from "~/db.server";
import { dayOf } from "~/domain/birthday";
import { awardBirthdays } from "~/models/birthday.server";
import { expireInactive } from "~/models/expiry.server";
import { releaseDuePoints } from "~/models/pending-release.server";

/**
 * The scheduled work: pending points whose period is over become spendable
 * (every shop at once, set-based), then each installed shop's birthday
 * bonuses and inactivity expiry. Release runs first so expiry never races a
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
  for (const { domain } of shops) {
    bonuses += await awardBirthdays(domain, today);
    expired += await expireInactive(domain, now);
  }
  return `${day}: ${released} orders' pending points released, ${bonuses} birthday bonuses and ${expired} expiries across ${shops.length} shops`;
}
