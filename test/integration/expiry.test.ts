import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runDaily } from "~/jobs/run-daily.server";
import { expireInactive, membersAboutToExpire } from "~/models/expiry.server";
import { installedShop } from "#test/support/shops";

const DAY = 24 * 3600 * 1000;

async function shopWithExpiry(months: number, enabledAt: Date) {
  const shop = await installedShop();
  await prisma.programSettings.update({
    where: { shop },
    data: { expiryMonths: months, expiryEnabledAt: enabledAt },
  });
  return shop;
}

async function memberActiveAt(shop: string, id: number, points: number, lastActivityAt: Date) {
  return prisma.member.create({
    data: {
      shop,
      customerGid: `gid://shopify/Customer/${id}`,
      points,
      lastActivityAt,
      email: `m${id}@example.com`,
    },
  });
}

async function seedBalance(shop: string, memberId: string, points: number) {
  // Give the member ledger entries that match their cached balance.
  await prisma.ledgerEntry.create({
    data: { shop, memberId, kind: "EARN", points, reason: "seed", idempotencyKey: `seed:${memberId}` },
  });
}

describe("inactivity expiry", () => {
  const now = new Date("2027-06-15T12:00:00Z");

  it("expires the whole balance of a member inactive past the period, once", async () => {
    const shop = await shopWithExpiry(12, new Date("2025-01-01T00:00:00Z"));
    const stale = await memberActiveAt(shop, 1, 300, new Date("2026-06-01T00:00:00Z"));
    const recent = await memberActiveAt(shop, 2, 80, new Date("2026-07-01T00:00:00Z"));
    await seedBalance(shop, stale.id, 300);
    await seedBalance(shop, recent.id, 80);

    expect(await expireInactive(shop, now)).toBe(1);
    expect(await expireInactive(shop, now)).toBe(0);

    const after = await prisma.member.findMany({ where: { shop }, orderBy: { customerGid: "asc" } });
    expect(after.map((m) => m.points)).toEqual([0, 80]);
    const entry = await prisma.ledgerEntry.findFirstOrThrow({ where: { shop, kind: "EXPIRY" } });
    expect(entry).toMatchObject({ points: -300, reason: "Points expired after 12 months without earning" });
  });

  it("never expires anyone sooner than the period after the rule was switched on", async () => {
    const shop = await shopWithExpiry(12, new Date("2027-01-01T00:00:00Z"));
    await memberActiveAt(shop, 1, 300, new Date("2020-01-01T00:00:00Z"));

    expect(await expireInactive(shop, now)).toBe(0);
    expect(await expireInactive(shop, new Date("2028-01-01T00:00:01Z"))).toBe(1);
  });

  it("lists members about to expire, soonest first, for reminders", async () => {
    const shop = await shopWithExpiry(12, new Date("2025-01-01T00:00:00Z"));
    await memberActiveAt(shop, 1, 50, new Date(now.getTime() - 365 * DAY + 20 * DAY));
    await memberActiveAt(shop, 2, 60, new Date(now.getTime() - 365 * DAY + 5 * DAY));
    await memberActiveAt(shop, 3, 70, new Date(now.getTime() - 100 * DAY));
    await memberActiveAt(shop, 4, 0, new Date(now.getTime() - 365 * DAY + 5 * DAY));

    const soon = await membersAboutToExpire(shop, now, 30);

    expect(soon.map((m) => [m.customerGid, m.points])).toEqual([
      ["gid://shopify/Customer/2", 60],
      ["gid://shopify/Customer/1", 50],
    ]);
    expect(soon[0]!.email).toBe("m2@example.com");
  });

  it("does nothing when the shop has no expiry rule", async () => {
    const shop = await installedShop();
    await memberActiveAt(shop, 1, 300, new Date("2000-01-01T00:00:00Z"));

    expect(await expireInactive(shop, now)).toBe(0);
  });
});

describe("the daily run", () => {
  it("expires inactive members of every installed shop", async () => {
    const shop = await shopWithExpiry(1, new Date("2025-01-01T00:00:00Z"));
    await memberActiveAt(shop, 1, 40, new Date("2026-01-01T00:00:00Z"));

    await runDaily("2026-03-01", new Date("2026-03-01T00:00:00Z"));

    expect((await prisma.member.findFirstOrThrow({ where: { shop } })).points).toBe(0);
  });
});
