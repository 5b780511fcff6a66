// What the storefront widgets show a signed-in member, read in one go: the
// page makes one request, so this answer carries everything
// (docs/storefront.md has its shape).
import { pgPool } from "~/db.server";
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

interface ShopParts {
  /** The shop has an offline session: Tally is installed and may answer for it. */
  installed: boolean;
  metric: TierMetric | null;
  currency: string;
  tiers: { id: string; name: string; threshold: bigint }[];
  rewards: { id: string; name: string; kind: string; pointsCost: number }[];
}

interface MemberRow {
  points: number;
  pendingPoints: number;
  tierId: string | null;
  tierValue: string;
  /** JSON text of the live codes, newest first; null when there are none. */
  issued: string | null;
}

interface IssuedCode {
  id: string;
  rewardName: string;
  kind: string;
  code: string;
  expiresAt: string;
  status: string;
}

// The shop's side of the answer: the same for every member, changed only by
// the merchant. Every part is scoped by the shop.
const SHOP_PARTS = /* SQL */ `
  SELECT json_build_object(
    'installed', EXISTS (SELECT 1 FROM "Session" WHERE "id" = 'offline_' || $1),
    'metric', (SELECT "metric" FROM "TierProgram" WHERE "shop" = $1),
    'currency', (SELECT "currencyCode" FROM "Shop" WHERE "domain" = $1),
    'tiers', (SELECT json_agg(json_build_object('id', "id", 'name', "name", 'threshold', "threshold"::text)
                              ORDER BY "threshold") FROM "Tier" WHERE "shop" = $1),
    'rewards', (SELECT json_agg(json_build_object('id', "id", 'name', "name", 'kind', "kind",
                                                  'pointsCost', "pointsCost") ORDER BY "pointsCost", "createdAt")
                FROM "Reward" WHERE "shop" = $1 AND "enabled")
  )::text AS parts`;

// The member's side: balance, tier standing and live codes. No row for a
// customer who has not earned yet. Plain columns, JSON only for the codes:
// this runs once per page a member views.
const MEMBER_PARTS = /* SQL */ `
  SELECT m."points", m."pendingPoints", m."tierId", m."tierValue"::text AS "tierValue",
    (SELECT json_agg(json_build_object(
              'id', r."id", 'rewardName', r."reward"->>'name', 'kind', r."reward"->>'kind', 'code', r."code",
              'expiresAt', to_char(r."expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'status', r."status")
              ORDER BY r."createdAt" DESC)::text
       FROM (SELECT * FROM "Redemption" WHERE "memberId" = m."id" AND "shop" = $1
               AND "status" = 'ISSUED' AND "expiresAt" > now() AT TIME ZONE 'UTC'
             ORDER BY "createdAt" DESC LIMIT 20) r) AS "issued"
  FROM "Member" m
  WHERE m."shop" = $1 AND m."customerGid" = $2`;

// How long a process reuses a shop's side of the answer. A merchant's change
// shows on members' panels within this (at once in the process that saved
// it); redeeming re-checks the reward itself, so a stale list spends nothing.
const SHOP_PARTS_TTL_MS = 5_000;
const shopPartsCache = new Map<string, { until: number; parts: Promise<ShopParts> }>();

/** The merchant changed the program or rewards: this process reads them afresh. */
export function forgetShopParts(shop: string): void {
  shopPartsCache.delete(shop);
}

export function shopParts(shop: string): Promise<ShopParts> {
  const now = Date.now();
  const cached = shopPartsCache.get(shop);
  if (cached && cached.until > now) return cached.parts;
  const parts = pgPool
    .query<{ parts: string }>({ name: "tally_storefront_shop", text: SHOP_PARTS, values: [shop] })
    .then(({ rows }) => {
      const row = JSON.parse(rows[0]!.parts) as Omit<ShopParts, "tiers"> & {
        tiers: { id: string; name: string; threshold: string }[] | null;
      };
      const tiers = (row.tiers ?? []).map((t) => ({ ...t, threshold: BigInt(t.threshold) }));
      return {
        installed: row.installed,
        metric: row.metric,
        currency: row.currency,
        tiers,
        rewards: row.rewards ?? [],
      };
    });
  // A failed read is not kept: the next request tries again.
  parts.catch(() => shopPartsCache.delete(shop));
  if (shopPartsCache.size > 10_000) shopPartsCache.clear();
  shopPartsCache.set(shop, { until: now + SHOP_PARTS_TTL_MS, parts });
  return parts;
}

// Prepared statements straight on the pool, the shop's side cached for a
// few seconds: this runs on every page a member views, and six Prisma
// queries made it 20x slower than a bare lookup (docs/benchmarks.md).
export async function memberParts(shop: string, customerGid: string): Promise<MemberRow | undefined> {
  const { rows } = await pgPool.query<MemberRow>({
    name: "tally_storefront_member",
    text: MEMBER_PARTS,
    values: [shop, customerGid],
  });
  return rows[0];
}

/** What the widgets show a member: the shop's side and the member's, put together. */
export function summaryOf(shopSide: ShopParts, member: MemberRow | undefined) {
  const points = member?.points ?? 0;
  const { tiers } = shopSide;
  const tier = tiers.find((t) => t.id === member?.tierId) ?? null;
  const value = BigInt(member?.tierValue ?? "0");
  return {
    loggedIn: true as const,
    points,
    pendingPoints: member?.pendingPoints ?? 0,
    tier: tier ? { name: tier.name } : null,
    nextTier: shopSide.metric
      ? nextTierOf(
          { metric: shopSide.metric, tiers, currency: shopSide.currency },
          value,
          tier?.threshold ?? null,
        )
      : null,
    rewards: shopSide.rewards.map((r) => ({ ...r, affordable: points >= r.pointsCost })),
    issued: member?.issued ? (JSON.parse(member.issued) as IssuedCode[]) : [],
  };
}

function nextTierOf(
  program: { metric: TierMetric; tiers: { name: string; threshold: bigint }[]; currency: string },
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
  const currency = parseCurrency(program.currency);
  const remaining = currency ? Number(formatMinor({ currency, minor: remainingMinor })) : 0;
  return { name: next.name, metric, remaining, currency: program.currency, progress };
}
