import { prisma } from "~/db.server";
import { expiresAt, expiryKey } from "~/domain/expiry";

interface Candidate {
  id: string;
  customerGid: string;
  email: string | null;
  points: number;
  lastActivity: Date;
}

async function candidates(
  shop: string,
  by: Date,
): Promise<{ months: number; enabledAt: Date; members: Candidate[] } | null> {
  const settings = await prisma.programSettings.findUnique({ where: { shop } });
  if (!settings?.expiryMonths || !settings.expiryEnabledAt) return null;
  const { expiryMonths: months, expiryEnabledAt: enabledAt } = settings;
  // Coarse filter in SQL (activity older than `months` before `by`); the exact
  // date, including the rule's start, is the domain's.
  const members = await prisma.$queryRaw<Candidate[]>`
    SELECT "id"::text, "customerGid", "email", "points", COALESCE("lastActivityAt", "createdAt") AS "lastActivity"
    FROM "Member"
    WHERE "shop" = ${shop} AND "points" > 0
      AND COALESCE("lastActivityAt", "createdAt") <= ${by}::timestamp - make_interval(months => ${months}::int)`;
  return {
    months,
    enabledAt,
    members: members.filter((m) => expiresAt(m.lastActivity, enabledAt, months) <= by),
  };
}

/**
 * Expires the points of members inactive for the shop's expiry period: one
 * EXPIRY entry per stretch of inactivity (keyed on its start), taking the
 * whole balance, so running it twice expires nothing twice. Returns how many
 * members expired.
 */
export async function expireInactive(shop: string, now: Date): Promise<number> {
  const due = await candidates(shop, now);
  if (!due || due.members.length === 0) return 0;
  return prisma.$transaction(async (tx) => {
    // Re-read under lock: a member may have earned since the scan.
    const locked = await tx.$queryRaw<Array<{ id: string; points: number; lastActivity: Date }>>`
      SELECT "id"::text, "points", COALESCE("lastActivityAt", "createdAt") AS "lastActivity" FROM "Member"
      WHERE "id" = ANY(${due.members.map((m) => m.id)}::uuid[]) ORDER BY "id" FOR UPDATE`;
    const expiring = locked.filter(
      (m) => m.points > 0 && expiresAt(m.lastActivity, due.enabledAt, due.months) <= now,
    );
    if (expiring.length === 0) return 0;
    const gidOf = new Map(due.members.map((m) => [m.id, m.customerGid]));
    const details = JSON.stringify({ rule: "inactivity expiry", months: due.months });
    const inserted = await tx.$queryRaw<Array<{ memberId: string; points: number }>>`
      INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "reason", "source", "idempotencyKey", "details")
      SELECT ${shop}, m::uuid, 'EXPIRY', -p, ${`Points expired after ${due.months} months without earning`}, g, k, ${details}::jsonb
      FROM unnest(${expiring.map((m) => m.id)}::text[], ${expiring.map((m) => m.points)}::int[],
                  ${expiring.map((m) => gidOf.get(m.id)!)}::text[],
                  ${expiring.map((m) => expiryKey(gidOf.get(m.id)!, m.lastActivity))}::text[]) AS t(m, p, g, k)
      ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
      RETURNING "memberId"::text, "points"`;
    if (inserted.length > 0) {
      await tx.$executeRaw`
        UPDATE "Member" AS m SET "points" = m."points" + v.delta, "updatedAt" = now()
        FROM unnest(${inserted.map((e) => e.memberId)}::uuid[], ${inserted.map((e) => e.points)}::int[]) AS v(id, delta)
        WHERE m."id" = v.id`;
    }
    return inserted.length;
  });
}

/** Members whose points expire within `days` of `now`, soonest first: who to remind. */
export async function membersAboutToExpire(shop: string, now: Date, days: number) {
  const horizon = new Date(now.getTime() + days * 24 * 3600 * 1000);
  const due = await candidates(shop, horizon);
  if (!due) return [];
  return due.members
    .map((m) => ({
      customerGid: m.customerGid,
      email: m.email,
      points: m.points,
      expiresAt: expiresAt(m.lastActivity, due.enabledAt, due.months),
    }))
    .filter((m) => m.expiresAt > now)
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
}
