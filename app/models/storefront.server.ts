// What the storefront widgets show a signed-in member, read in one go: the
// page makes one request, so this answer carries everything
// (docs/storefront.md has its shape).
import { prisma } from "~/db.server";
import { formatMinor, parseCurrency } from "~/domain/money";
import type { TierMetric } from "~/domain/tiers";

const METRIC_NAMES: Record<TierMetric, "POINTS" | "AMOUNT_SPENT" | "ORDERS"> = {
  POINTS_EARNED: "POINTS",
  AMOUNT_SPENT: "AMOUNT_SPENT",
  PAID_ORDERS: "ORDERS",
};

interface NextTier {
  name: string;
  metric: "POINTS" | "AMOUNT_SPENT" | "ORDERS";
  remaining: number;
  currency?: string;
  progress: number;
}

export async function customerSummary(shop: string, customerGid: string) {
  const now = new Date();
  // Four independent reads, in parallel: this is on every page a member views.
  const [member, program, rewards, codes] = await Promise.all([
    prisma.member.findUnique({
      where: { shop_customerGid: { shop, customerGid } },
      select: { points: true, pendingPoints: true, tierId: true, tierValue: true },
    }),
    prisma.tierProgram.findUnique({
      where: { shop },
      select: {
        metric: true,
        tiers: { orderBy: { threshold: "asc" }, select: { id: true, name: true, threshold: true } },
        shopRef: { select: { currencyCode: true } },
      },
    }),
    prisma.reward.findMany({
      where: { shop, enabled: true },
      orderBy: [{ pointsCost: "asc" }, { createdAt: "asc" }],
      select: { id: true, name: true, kind: true, pointsCost: true },
    }),
    prisma.redemption.findMany({
      where: { shop, member: { customerGid }, status: "ISSUED", expiresAt: { gt: now } },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, reward: true, code: true, expiresAt: true, status: true },
    }),
  ]);
  const points = member?.points ?? 0;
  const tier = program?.tiers.find((t) => t.id === member?.tierId) ?? null;
  return {
    loggedIn: true as const,
    points,
    pendingPoints: member?.pendingPoints ?? 0,
    tier: tier ? { name: tier.name } : null,
    nextTier: program ? nextTierOf(program, member?.tierValue ?? 0n, tier?.threshold ?? null) : null,
    rewards: rewards.map((r) => ({ ...r, affordable: points >= r.pointsCost })),
    issued: codes.map((c) => {
      const reward = c.reward as { name: string; kind: string };
      return {
        id: c.id,
        rewardName: reward.name,
        kind: reward.kind,
        code: c.code,
        expiresAt: c.expiresAt!.toISOString(),
        status: c.status,
      };
    }),
  };
}

function nextTierOf(
  program: {
    metric: TierMetric;
    tiers: { name: string; threshold: bigint }[];
    shopRef: { currencyCode: string };
  },
  value: bigint,
  currentThreshold: bigint | null,
): NextTier | null {
  // The first tier above the member's own (a member in grace may be below it).
  const next = program.tiers.find(
    (t) => t.threshold > (currentThreshold ?? -1n) && (currentThreshold !== null || t.threshold > value),
  );
  if (!next) return null;
  const remainingMinor = next.threshold > value ? next.threshold - value : 0n;
  const progress = next.threshold > 0n ? Math.min(1, Number(value) / Number(next.threshold)) : 1;
  const metric = METRIC_NAMES[program.metric];
  if (metric !== "AMOUNT_SPENT") {
    return { name: next.name, metric, remaining: Number(remainingMinor), progress };
  }
  const currency = parseCurrency(program.shopRef.currencyCode);
  const remaining = currency ? Number(formatMinor({ currency, minor: remainingMinor })) : 0;
  return { name: next.name, metric, remaining, currency: program.shopRef.currencyCode, progress };
}
