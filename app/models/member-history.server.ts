import { prisma } from "~/db.server";

export interface HistoryLine {
  at: string;
  kind: string;
  points: number;
  /** What the entry did to the pending balance (pending earns, their reversals and release). */
  pendingPoints: number;
  /** The sentence support reads: the rule, the order, the amounts. */
  reason: string;
  source: string | null;
  details: unknown;
}

export interface MemberHistory {
  customerGid: string;
  points: number;
  pendingPoints: number;
  pointsOwed: number;
  lines: HistoryLine[];
}

/**
 * Why a member has the balance they have: every entry, newest first, each
 * with its reason and the figures it was computed from. Scoped by shop.
 */
export async function memberHistory(shop: string, customerGid: string): Promise<MemberHistory | null> {
  const member = await prisma.member.findUnique({
    where: { shop_customerGid: { shop, customerGid } },
    include: { entries: { orderBy: { id: "desc" } } },
  });
  if (!member) return null;
  return {
    customerGid,
    points: member.points,
    pendingPoints: member.pendingPoints,
    pointsOwed: member.pointsOwed,
    lines: member.entries.map((entry) => ({
      at: entry.createdAt.toISOString(),
      kind: entry.kind,
      points: entry.points,
      pendingPoints: entry.pendingPoints,
      reason: entry.reason,
      source: entry.source,
      details: entry.details,
    })),
  };
}
