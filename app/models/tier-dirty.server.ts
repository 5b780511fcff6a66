import { prisma } from "~/db.server";
import { recalculateTiers, type Recalculation } from "./tier-recalculation.server";

const BATCH = 5_000;

/**
 * Recalculates the shop's members whose balance moved since their last
 * recalculation (the trigger-set `tierDirtyAt`), a batch at a time, and
 * clears each mark only if nothing moved the member again since it was read,
 * so a change landing mid-run is looked at by the next run.
 */
export async function recalculateDirtyMembers(shop: string, now = new Date()): Promise<Recalculation> {
  const total: Recalculation = { members: 0, up: 0, down: 0, grace: 0 };
  for (;;) {
    // The mark as text: it has microseconds, a JavaScript Date does not.
    const dirty = await prisma.$queryRaw<Array<{ id: string; dirtyAt: string }>>`
      SELECT "id"::text, "tierDirtyAt"::text AS "dirtyAt" FROM "Member"
      WHERE "shop" = ${shop} AND "tierDirtyAt" IS NOT NULL
      ORDER BY "tierDirtyAt" LIMIT ${BATCH}`;
    if (dirty.length === 0) return total;
    const result = await recalculateTiers(
      shop,
      now,
      "ledger change",
      dirty.map((m) => m.id),
    );
    total.members += result.members;
    total.up += result.up;
    total.down += result.down;
    total.grace += result.grace;
    await prisma.$executeRaw`
      UPDATE "Member" AS m SET "tierDirtyAt" = NULL
      FROM unnest(${dirty.map((m) => m.id)}::uuid[], ${dirty.map((m) => m.dirtyAt)}::timestamp[]) AS v(id, dirty_at)
      WHERE m."id" = v.id AND m."tierDirtyAt" <= v.dirty_at AND m."id" = ANY(${dirty.map((m) => m.id)}::uuid[])`;
    if (dirty.length < BATCH) return total;
  }
}

/**
 * Shops with a tier program whose members have been dirty longer than the
 * grace: their job may have been lost. Counted on the database's clock, the
 * one the trigger set the marks with.
 */
export async function shopsWithStaleTiers(graceMs: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ shop: string }>>`
    SELECT DISTINCT m."shop" FROM "Member" m JOIN "TierProgram" p ON p."shop" = m."shop"
    WHERE m."tierDirtyAt" IS NOT NULL
      AND m."tierDirtyAt" < localtimestamp - make_interval(secs => ${graceMs / 1000})
    LIMIT 1000`;
  return rows.map((row) => row.shop);
}

export async function hasTierProgram(shop: string): Promise<boolean> {
  return (await prisma.tierProgram.count({ where: { shop } })) > 0;
}
