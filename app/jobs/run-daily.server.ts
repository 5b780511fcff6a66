// Consumer of the "daily" queue (producer: app/jobs/daily-queue.server.ts).
import { prisma } from "~/db.server";
import { dayOf } from "~/domain/birthday";
import { awardBirthdays } from "~/models/birthday.server";

/** The day's scheduled work for every installed shop: today, birthday bonuses. */
export async function runDaily(day: string): Promise<string> {
  const today = dayOf(new Date(`${day}T00:00:00Z`));
  const shops = await prisma.shop.findMany({
    where: { installState: "INSTALLED" },
    select: { domain: true },
  });
  let bonuses = 0;
  for (const { domain } of shops) bonuses += await awardBirthdays(domain, today);
  return `${day}: ${bonuses} birthday bonuses across ${shops.length} shops`;
}
