import type { Prisma } from "~/generated/prisma/client";

export interface NewEntry {
  shop: string;
  memberId: string;
  kind: "BONUS" | "REVERSAL" | "RECOVERY" | "ADJUSTMENT" | "RELEASE";
  /** Moves the spendable balance. */
  points: number;
  /** Moves the pending balance (reversals of pending points, releases). */
  pendingPoints?: number;
  reason: string;
  source: string | null;
  idempotencyKey: string;
  details: Prisma.InputJsonValue;
}

export type PostResult = { posted: true; entryId: bigint } | { posted: false };

/**
 * Appends one entry and moves the member's cached balance in the caller's
 * transaction. The (shop, idempotencyKey) unique index makes a second post of
 * the same key a no-op, whatever the caller did; the balance CHECKs refuse
 * anything that would take either balance below zero. Order earnings, which
 * arrive in bursts, are posted set-based by awardOrders instead.
 */
export async function postEntry(tx: Prisma.TransactionClient, entry: NewEntry): Promise<PostResult> {
  const inserted = await tx.$queryRaw<Array<{ id: bigint }>>`
    INSERT INTO "LedgerEntry" ("shop", "memberId", "kind", "points", "pendingPoints", "reason", "source", "idempotencyKey", "details")
    VALUES (${entry.shop}, ${entry.memberId}::uuid, ${entry.kind}::"LedgerKind", ${entry.points}, ${entry.pendingPoints ?? 0},
            ${entry.reason}, ${entry.source}, ${entry.idempotencyKey}, ${JSON.stringify(entry.details)}::jsonb)
    ON CONFLICT ("shop", "idempotencyKey") DO NOTHING
    RETURNING "id"`;
  const row = inserted[0];
  if (!row) return { posted: false };
  await tx.member.update({
    where: { id: entry.memberId },
    // Bonuses count as earning for inactivity expiry; corrections do not.
    data: {
      points: { increment: entry.points },
      pendingPoints: { increment: entry.pendingPoints ?? 0 },
      ...(entry.kind === "BONUS" ? { lastActivityAt: new Date() } : {}),
    },
  });
  return { posted: true, entryId: row.id };
}
