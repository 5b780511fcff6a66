// Consumer of the "daily" queue (producer: app/jobs/daily-queue.server.ts).
import { prisma } from "~/db.server";
import { dayOf } from "~/domain/birthday";
import { awardBirthdays } from "~/models/birthday.server";
import { expireInactive } from "~/models/expiry.server";

/** The day's scheduled work for every installed shop: birthday bonuses, then inactivity expiry. */
export async function runDaily(day: string, now = new Date()): Promise<string> {
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
  return `${day}: ${bonuses} birthday bonuses and ${expired} expiries across ${shops.length} shops`;
}
