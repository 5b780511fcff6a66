import { prisma } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";

type Db = Prisma.TransactionClient | typeof prisma;

// Tombstones of customers/redact (model ErasedSubject): the SHA-256 of each
// erased customer's and order's GID, hashed by PostgreSQL itself
// (tally_subject_hash, prisma/migrations/…_erasure_tombstones) so that every
// path compares the same bytes. No names, emails or payloads.

/** Remembers that these customers' and orders' data was erased, so it is never taken in again. */
export async function recordErasure(tx: Prisma.TransactionClient, shop: string, gids: readonly string[]) {
  if (gids.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "ErasedSubject" ("shop", "subjectHash")
    SELECT ${shop}, tally_subject_hash(gid) FROM unnest(${[...new Set(gids)]}::text[]) AS gid
    ON CONFLICT DO NOTHING`;
}

/** Which of these GIDs (customers or orders) were erased in the shop. */
export async function erasedAmong(
  db: Db,
  shop: string,
  gids: readonly (string | null)[],
): Promise<Set<string>> {
  const candidates = [...new Set(gids.filter((gid): gid is string => gid !== null))];
  if (candidates.length === 0) return new Set();
  const rows = await db.$queryRaw<Array<{ gid: string }>>`
    SELECT gid FROM unnest(${candidates}::text[]) AS gid WHERE tally_erased(${shop}, gid)`;
  return new Set(rows.map((row) => row.gid));
}

/** Why nothing was kept, for the delivery's outcome. */
export const ERASED_OUTCOME = "customer's data was erased (customers/redact): nothing kept";
