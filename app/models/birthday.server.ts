import { prisma } from "~/db.server";
import { birthdayKey, birthdaysOn, type Day } from "~/domain/birthday";
import { recoverOwed } from "./order-points.server";

/**
 * Posts today's birthday bonuses for one shop, set-based: every member whose
 * birthday is today gets one BONUS entry keyed on the year, so running the
 * job twice (a retry, a restart, a lost Redis) awards nothing twice.
 * Returns how many bonuses were posted.
 */
export async function awardBirthdays(shop: string, today: Day): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const settings = await tx.programSettings.findUnique({ where: { shop } });
    if (!settings || settings.birthdayBonus === 0) return 0;
    const days = birthdaysOn(today);
    const bonus = settings.birthdayBonus;
    const celebrating = await tx.$queryRaw<Array<{ id: string; customerGid: string }>>`
      SELECT "id"::text, "customerGid" FROM "Member"
      WHERE "shop" = ${shop}
        AND ("birthMonth", "birthDay") IN (
          SELECT * FROM unnest(${days.map((d) => d.month)}::int[], ${days.map((d) => d.day)}::int[]))`;
    if (celebrating.length === 0) return 0;
    const details = JSON.stringify({
      rule: "birthday",
      ruleVersion: settings.ruleVersion,
      bonus,
      year: today.year,
    });
    const inserted = await tx.$queryRaw<Array<{ memberId: string; idempotencyKey: string; points: number }>>`
      INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "reason", "source", "idempotencyKey", "details")
      SELECT ${shop}, m::uuid, 'BONUS', ${bonus}, ${`Birthday bonus: ${bonus} points`}, g, k, ${details}::jsonb
      FROM unnest(${celebrating.map((m) => m.id)}::text[], ${celebrating.map((m) => m.customerGid)}::text[],
                  ${celebrating.map((m) => birthdayKey(m.customerGid, today.year))}::text[]) AS t(m, g, k)
      ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
      RETURNING "memberId"::text, "idempotencyKey", "points"`;
    if (inserted.length === 0) return 0;
    await tx.$executeRaw`
      UPDATE "Member" SET "points" = "points" + ${bonus}, "lastActivityAt" = now(), "updatedAt" = now()
      WHERE "id" = ANY(${inserted.map((e) => e.memberId)}::uuid[])`;
    await recoverOwed(
      tx,
      shop,
      inserted.map((e) => ({ memberId: e.memberId, key: e.idempotencyKey, points: e.points })),
    );
    return inserted.length;
  });
}

/** Records a member's birthday (month and day). Returns false when the customer is not a member. */
export async function setBirthday(
  shop: string,
  customerGid: string,
  month: number,
  day: number,
): Promise<boolean> {
  const updated = await prisma.member.updateMany({
    where: { shop, customerGid },
    data: { birthMonth: month, birthDay: day },
  });
  return updated.count === 1;
}
