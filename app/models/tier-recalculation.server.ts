import { prisma } from "~/db.server";
import { decideTier, windowStart, type TierProgram } from "~/domain/tiers";
import { getTierProgram } from "./tier-program.server";

interface MemberValue {
  id: string;
  tierId: string | null;
  belowSince: string | null;
  value: bigint;
  previous: bigint;
}

/**
 * Every member's metric under `program` at `now`, computed in one statement
 * for the whole shop (or only `memberIds`): points earned net of reversals,
 * amount spent net of refunds (minor units), or paid orders not cancelled
 * or fully refunded, counted from the program's window start.
 */
export async function memberTierValues(
  shop: string,
  program: Pick<TierProgram, "metric" | "window">,
  now: Date,
  memberIds?: readonly string[],
): Promise<MemberValue[]> {
  const start = windowStart(program.window, now)?.toISOString() ?? null;
  const only = memberIds ? [...memberIds] : null;
  // One row holding one JSON text: a shop's members come back in one piece.
  // Each metric is aggregated from its base table alone, then joined to the
  // members by index: joining base tables to a CTE of members let the
  // planner pick a nested loop over the CTE (it cannot estimate its size),
  // which for a shop of 100,000 members ran for minutes.
  const [{ result }] = await prisma.$queryRaw<[{ result: string }]>`
    WITH points AS (
      SELECT e."memberId" AS id, SUM(e."points" + e."pendingPoints") AS v FROM "LedgerEntry" e
      WHERE ${program.metric} = 'POINTS_EARNED' AND e."shop" = ${shop}
        AND e."kind" IN ('EARN', 'BONUS', 'REVERSAL')
        AND (${start}::timestamp IS NULL OR e."createdAt" >= ${start}::timestamp)
        AND (${only}::uuid[] IS NULL OR e."memberId" = ANY(${only}::uuid[]))
      GROUP BY 1
    ),
    orders AS (
      SELECT o."customerGid" AS gid,
             SUM(o."earnedBase" * (o."earnedPoints" - o."reversedPoints") / NULLIF(o."earnedPoints", 0)) AS spent,
             COUNT(*) FILTER (WHERE NOT o."cancelled" AND o."reversedPoints" < o."earnedPoints") AS paid
      FROM "OrderPoints" o
      WHERE ${program.metric} <> 'POINTS_EARNED' AND o."shop" = ${shop} AND o."earned"
        AND (${start}::timestamp IS NULL OR o."earnedAt" >= ${start}::timestamp)
        AND (${only}::uuid[] IS NULL OR o."customerGid" IN (
              SELECT "customerGid" FROM "Member" WHERE "id" = ANY(${only}::uuid[])))
      GROUP BY 1
    )
    SELECT COALESCE(json_agg(json_build_array(
             m."id", m."tierId", m."tierBelowSince",
             COALESCE(CASE ${program.metric} WHEN 'POINTS_EARNED' THEN p.v WHEN 'AMOUNT_SPENT' THEN o.spent ELSE o.paid END, 0)::text,
             m."tierValue"::text)), '[]')::text AS "result"
    FROM "Member" m
    LEFT JOIN points p ON p.id = m."id"
    LEFT JOIN orders o ON o.gid = m."customerGid"
    WHERE m."shop" = ${shop} AND m."redactedAt" IS NULL
      AND (${only}::uuid[] IS NULL OR m."id" = ANY(${only}::uuid[]))`;
  return (JSON.parse(result) as Array<[string, string | null, string | null, string, string]>).map(
    ([id, tierId, belowSince, value, previous]) => ({
      id,
      tierId,
      belowSince,
      value: BigInt(value.split(".")[0]!),
      previous: BigInt(previous),
    }),
  );
}

export interface Recalculation {
  members: number;
  up: number;
  down: number;
  /** Members whose grace period started. */
  grace: number;
}

/**
 * Recalculates the tier of every member of the shop (or only `memberIds`):
 * one statement reads every metric, the domain decides each tier (up at
 * once, down after the grace period, window roll-over included because the
 * window is counted from `now`), and one statement writes what changed and
 * the history lines saying why. `cause` names what triggered it.
 */
export async function recalculateTiers(
  shop: string,
  now: Date,
  cause: string,
  memberIds?: readonly string[],
): Promise<Recalculation> {
  const program = await getTierProgram(shop);
  const counts: Recalculation = { members: 0, up: 0, down: 0, grace: 0 };
  if (!program) return counts;
  const members = await memberTierValues(shop, program, now, memberIds);
  counts.members = members.length;
  const nameOf = (id: string | null) =>
    id ? (program.tiers.find((t) => t.id === id)?.name ?? "a removed tier") : null;
  const changed = members.flatMap((member) => {
    const belowSince = member.belowSince ? new Date(`${member.belowSince}Z`) : null;
    const decision = decideTier(program, { tierId: member.tierId, belowSince }, member.value, now);
    const moved = decision.tierId !== member.tierId;
    const graceChanged = (decision.belowSince?.getTime() ?? null) !== (belowSince?.getTime() ?? null);
    if (!moved && !graceChanged && member.value === member.previous) return [];
    if (decision.change === "up") counts.up++;
    if (decision.change === "down" || decision.change === "moved") counts.down++;
    if (decision.change === "grace" && graceChanged) counts.grace++;
    return [
      {
        id: member.id,
        tier: decision.tierId,
        below: decision.belowSince?.toISOString() ?? null,
        value: member.value.toString(),
        change: moved ? decision.change : null,
        from: nameOf(member.tierId),
        to: nameOf(decision.tierId),
        reason: decision.reason,
      },
    ];
  });
  if (changed.length === 0) return counts;
  await prisma.$executeRaw`
    WITH input AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(changed)}::json)
        AS x(id uuid, tier uuid, below timestamp, value bigint, change text, "from" text, "to" text, reason text)
    ),
    updated AS (
      UPDATE "Member" m SET "tierId" = input.tier, "tierBelowSince" = input.below, "tierValue" = input.value
      FROM input WHERE m."id" = input.id
      RETURNING m."id"
    )
    INSERT INTO "TierChange" ("shop", "memberId", "fromTier", "toTier", "change", "reason", "cause")
    SELECT ${shop}, input.id, input."from", input."to", input.change, input.reason, ${cause}
    FROM input JOIN updated ON updated."id" = input.id
    WHERE input.change IS NOT NULL`;
  return counts;
}
