import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { birthdayKey } from "~/domain/birthday";
import { runDaily } from "~/jobs/run-daily.server";
import { awardBirthdays, setBirthday } from "~/models/birthday.server";
import { installedShop } from "#test/support/shops";
import { waitFor } from "#test/support/wait";
import { runWorkersDuringFile } from "#test/support/webhooks";

async function shopWithMembers(bonus: number, birthdays: Array<[number, number] | null>) {
  const shop = await installedShop();
  await prisma.programSettings.update({ where: { shop }, data: { birthdayBonus: bonus } });
  for (const [index, birthday] of birthdays.entries()) {
    const customerGid = `gid://shopify/Customer/${index + 1}`;
    await prisma.member.create({ data: { shop, customerGid } });
    if (birthday) expect(await setBirthday(shop, customerGid, birthday[0], birthday[1])).toBe(true);
  }
  return shop;
}

const balances = async (shop: string) =>
  (await prisma.member.findMany({ where: { shop }, orderBy: { customerGid: "asc" } })).map((m) => m.points);

describe("birthday bonus", () => {
  it("goes to members whose birthday is today, once a year, even if the job runs twice", async () => {
    const shop = await shopWithMembers(100, [[11, 23], [11, 24], null]);
    const today = { year: 2026, month: 11, day: 23 };

    expect(await awardBirthdays(shop, today)).toBe(1);
    expect(await awardBirthdays(shop, today)).toBe(0);

    expect(await balances(shop)).toEqual([100, 0, 0]);
    const entry = await prisma.ledgerEntry.findFirstOrThrow({ where: { shop } });
    expect(entry).toMatchObject({
      kind: "BONUS",
      points: 100,
      idempotencyKey: birthdayKey("gid://shopify/Customer/1", 2026),
      reason: "Birthday bonus: 100 points",
    });

    expect(await awardBirthdays(shop, { ...today, year: 2027 })).toBe(1);
    expect(await balances(shop)).toEqual([200, 0, 0]);
  });

  it("celebrates 29 February birthdays on 28 February in common years, and only once in leap years", async () => {
    const shop = await shopWithMembers(50, [[2, 29]]);

    expect(await awardBirthdays(shop, { year: 2027, month: 2, day: 28 })).toBe(1);
    expect(await awardBirthdays(shop, { year: 2028, month: 2, day: 28 })).toBe(0);
    expect(await awardBirthdays(shop, { year: 2028, month: 2, day: 29 })).toBe(1);
  });

  it("awards nothing when the shop offers no birthday bonus", async () => {
    const shop = await shopWithMembers(0, [[11, 23]]);

    expect(await awardBirthdays(shop, { year: 2026, month: 11, day: 23 })).toBe(0);
  });

  it("the daily run covers every installed shop and nothing twice", async () => {
    const shop = await shopWithMembers(10, [[6, 1]]);

    const first = await runDaily("2031-06-01");
    await runDaily("2031-06-01");

    expect(first).toContain("2031-06-01");
    expect(await balances(shop)).toEqual([10]);
  });

  it("the database refuses a birthday that is not a calendar day", async () => {
    const shop = await shopWithMembers(10, [null]);

    await expect(setBirthday(shop, "gid://shopify/Customer/1", 4, 31)).rejects.toThrow();
    await expect(prisma.member.updateMany({ where: { shop }, data: { birthMonth: 5 } })).rejects.toThrow();
  });
});

describe("the worker's schedule", () => {
  runWorkersDuringFile({ concurrency: 1, scheduleEveryMs: 200 });

  it("asks for the day's run by itself, so today's birthdays are awarded without anyone's help", async () => {
    const now = new Date();
    const shop = await shopWithMembers(25, [[now.getUTCMonth() + 1, now.getUTCDate()]]);

    const points = await waitFor(async () => ((await balances(shop))[0] === 25 ? 25 : undefined), {
      what: "today's birthday bonus",
      timeoutMs: 15_000,
    });

    expect(points).toBe(25);
  });
});
