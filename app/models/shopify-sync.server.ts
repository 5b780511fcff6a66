import { prisma } from "~/db.server";
import type { CustomerWrite, MemberSyncState } from "~/domain/shopify-sync";

// How long a shop whose sync failed for a reason a person must fix is left alone.
const FAILED_SHOP_RETRY = "1 hour";

export interface DirtyMember extends MemberSyncState {
  dirtyAt: string;
}

/** The database's clock, in the form the marks are stored (they are set by a trigger). */
export async function markClock(): Promise<string> {
  const [{ now }] = await prisma.$queryRaw<[{ now: string }]>`SELECT localtimestamp::text AS now`;
  return now;
}

/**
 * Members of a shop with a tier program whose Shopify copy is marked out of
 * date at or before `until` (read from `markClock`), with what they should
 * show (tag = the program's prefix + tier name) beside what Shopify was last
 * told. In no particular order: sorting by mark made every read scan the
 * whole shop, where an unsorted LIMIT stops once it has found enough (a job
 * takes every mark up to `until` anyway).
 */
export async function dirtyMembers(shop: string, until: string, limit: number): Promise<DirtyMember[]> {
  const [{ result }] = await prisma.$queryRaw<[{ result: string }]>`
    SELECT COALESCE(json_agg(x), '[]')::text AS result FROM (
      SELECT m."id" AS "memberId", m."customerGid",
             CASE WHEN t."name" IS NULL THEN NULL ELSE p."tagPrefix" || t."name" END AS tag,
             t."name" AS tier, m."points",
             m."shopifyTag", m."shopifyTier", m."shopifyPoints",
             to_char(m."shopifyDirtyAt", 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "dirtyAt"
      FROM "Member" m
      JOIN "TierProgram" p ON p."shop" = m."shop"
      LEFT JOIN "Tier" t ON t."id" = m."tierId"
      WHERE m."shop" = ${shop} AND m."shopifyDirtyAt" IS NOT NULL
        AND m."shopifyDirtyAt" <= ${until}::timestamp
      LIMIT ${limit}
    ) x`;
  return JSON.parse(result) as DirtyMember[];
}

/**
 * Records what Shopify now holds for each member and clears their mark,
 * unless the mark moved after it was read: that member changed again while
 * being written and stays marked for the next run.
 */
export async function recordWritten(
  members: ReadonlyArray<{ memberId: string; dirtyAt: string; result: CustomerWrite["result"] | null }>,
): Promise<void> {
  if (members.length === 0) return;
  const rows = members.map((m) => ({
    id: m.memberId,
    dirty_at: m.dirtyAt,
    ...m.result,
    skip: m.result === null,
  }));
  // `id = ANY(...)` beside the join: the planner cannot size a JSON record
  // set, and on a large shop it chose to scan every member to update a
  // document's dozen (44 ms a document at 60,000 members).
  await prisma.$transaction([
    // A record lost in a crash leaves the member marked, and the next sync
    // repeats an idempotent write: not worth waiting for the disk, once per
    // document, for.
    prisma.$executeRaw`SET LOCAL synchronous_commit = off`,
    prisma.$executeRaw`
      UPDATE "Member" AS m SET
        "shopifyTag" = CASE WHEN v.skip THEN m."shopifyTag" ELSE v.tag END,
        "shopifyTier" = CASE WHEN v.skip THEN m."shopifyTier" ELSE v.tier END,
        "shopifyPoints" = CASE WHEN v.skip THEN m."shopifyPoints" ELSE v.points END,
        "shopifyRefusal" = NULL,
        "shopifyDirtyAt" = CASE WHEN m."shopifyDirtyAt" <= v.dirty_at THEN NULL ELSE m."shopifyDirtyAt" END
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS v(id uuid, dirty_at timestamp, tag text, tier text, points int, skip boolean)
      WHERE m."id" = v.id AND m."id" = ANY(${rows.map((r) => r.id)}::uuid[])`,
  ]);
}

/**
 * Shopify refused these members' writes: the reason is kept on the member
 * and in the audit log for support, and the mark is cleared so the refusal
 * is not retried forever; the member's next change tries again.
 */
export async function recordRefused(
  shop: string,
  members: ReadonlyArray<{ memberId: string; customerGid: string; dirtyAt: string; reason: string }>,
): Promise<void> {
  if (members.length === 0) return;
  const rows = members.map((m) => ({ id: m.memberId, dirty_at: m.dirtyAt, reason: m.reason }));
  await prisma.$transaction([
    prisma.$executeRaw`
      UPDATE "Member" AS m SET
        "shopifyRefusal" = v.reason,
        "shopifyDirtyAt" = CASE WHEN m."shopifyDirtyAt" <= v.dirty_at THEN NULL ELSE m."shopifyDirtyAt" END
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(id uuid, dirty_at timestamp, reason text)
      WHERE m."id" = v.id AND m."id" = ANY(${rows.map((r) => r.id)}::uuid[])`,
    prisma.auditLog.create({
      data: {
        shop,
        action: "shopify.sync_refused",
        details: { members: members.map((m) => ({ customerGid: m.customerGid, reason: m.reason })) },
      },
    }),
  ]);
}

/** Marks every member of the shop for a write: the tag prefix or tier names may have changed. */
export async function markAllForSync(shop: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "Member" SET "shopifyDirtyAt" = clock_timestamp()
    WHERE "shop" = ${shop} AND "redactedAt" IS NULL`;
}

/**
 * Takes (or renews) the shop's sync lease. Two syncs of one shop at once
 * could land an older write after a newer one and record the newer, leaving
 * Shopify wrong for good; BullMQ runs one job per shop, but a stalled
 * worker that is still alive would not know it lost its job.
 */
export async function takeSyncLease(shop: string, leaseId: string, ms: number): Promise<boolean> {
  const taken = await prisma.$executeRaw`
    UPDATE "Shop" SET "syncLeaseId" = ${leaseId},
      "syncLeaseUntil" = now() + make_interval(secs => ${ms / 1000})
    WHERE "domain" = ${shop}
      AND ("syncLeaseId" = ${leaseId} OR "syncLeaseUntil" IS NULL OR "syncLeaseUntil" < now())`;
  return taken === 1;
}

export async function releaseSyncLease(shop: string, leaseId: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "Shop" SET "syncLeaseId" = NULL, "syncLeaseUntil" = NULL
    WHERE "domain" = ${shop} AND "syncLeaseId" = ${leaseId}`;
}

export interface ShopSyncState {
  definitionsMade: boolean;
  scope: string | null;
  /** A failure only a person can fix, recorded within the hour: don't call Shopify yet. */
  waitingOn: string | null;
}

export async function shopSyncState(shop: string): Promise<ShopSyncState> {
  const [row] = await prisma.$queryRaw<
    Array<{ definitionsAt: Date | null; scope: string | null; waitingOn: string | null }>
  >`
    SELECT s."metafieldDefinitionsAt" AS "definitionsAt", x."scope",
           CASE WHEN s."syncFailedAt" >= now() - ${FAILED_SHOP_RETRY}::interval THEN s."syncError" END AS "waitingOn"
    FROM "Shop" s LEFT JOIN "Session" x ON x."id" = 'offline_' || s."domain"
    WHERE s."domain" = ${shop}`;
  return {
    definitionsMade: Boolean(row?.definitionsAt),
    scope: row?.scope ?? null,
    waitingOn: row?.waitingOn ?? null,
  };
}

export async function recordDefinitionsMade(shop: string): Promise<void> {
  await prisma.shop.updateMany({ where: { domain: shop }, data: { metafieldDefinitionsAt: new Date() } });
}

/** A failure only a person can fix (token revoked, scope not granted): shown to support, retried hourly. */
export async function recordShopSyncFailure(shop: string, reason: string): Promise<void> {
  await prisma.$transaction([
    prisma.shop.updateMany({
      where: { domain: shop },
      data: { syncError: reason, syncFailedAt: new Date() },
    }),
    prisma.auditLog.create({ data: { shop, action: "shopify.sync_failed", details: { reason } } }),
  ]);
}

/** After a sync succeeds, or when the merchant acts (reinstall, scopes granted): try again now. */
export async function clearShopSyncFailure(shop: string): Promise<void> {
  await prisma.shop.updateMany({
    where: { domain: shop, syncError: { not: null } },
    data: { syncError: null, syncFailedAt: null },
  });
}

/**
 * Installed shops with a tier program whose members have been marked longer
 * than the grace: their sync job may have been lost with Redis. A shop whose
 * sync holds a live lease is being written (the lease outlives a dead worker
 * by at most its length); one whose last sync failed for a reason a person
 * must fix waits an hour. The grace is counted on the database's clock, the
 * one that set the marks.
 */
export async function shopsWithStaleSync(graceMs: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ shop: string }>>`
    SELECT s."domain" AS shop FROM "Shop" s
    WHERE s."installState" = 'INSTALLED'
      AND (s."syncFailedAt" IS NULL OR s."syncFailedAt" < now() - ${FAILED_SHOP_RETRY}::interval)
      AND (s."syncLeaseUntil" IS NULL OR s."syncLeaseUntil" < now())
      AND ((EXISTS (SELECT 1 FROM "TierProgram" p WHERE p."shop" = s."domain")
            AND EXISTS (
              SELECT 1 FROM "Member" m WHERE m."shop" = s."domain"
                AND m."shopifyDirtyAt" < localtimestamp - make_interval(secs => ${graceMs / 1000})))
        OR (s."storefrontChangedAt" < localtimestamp - make_interval(secs => ${graceMs / 1000})
            AND (s."storefrontPublishedAt" IS NULL OR s."storefrontPublishedAt" < s."storefrontChangedAt")))
    LIMIT 1000`;
  return rows.map((row) => row.shop);
}
