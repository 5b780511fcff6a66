// The shop the app-proxy benchmark reads: installed as Shopify leaves it,
// members with ledger entries across four tiers, the tier program and rewards
// saved through the app's own models, and discount codes already issued (live,
// used and expired ones, so the answer's filter has something to leave out).
import type { BenchApp } from "./app";
import { runScript } from "./processes";
import { installShop } from "./shop";
import { seedMembers } from "./tiers-seed";

export interface ProxyShop {
  shop: string;
  members: number;
  /** Enabled rewards, of all the shop's rewards. */
  rewards: { enabled: number; all: number };
  /** Redemptions by what the answer should make of them. */
  codes: { live: number; usedOrExpired: number };
}

const CHILD_TIMEOUT_MS = 10 * 60_000;

/** Customer ids 1…members: `logged_in_customer_id` n is `gid://shopify/Customer/n`. */
export const customerGid = (id: number) => `gid://shopify/Customer/${id}`;

/**
 * Every third member holds a live code, every fourth a used one and every
 * fifth one past its end date that the expiry sweep has not reached yet
 * (still ISSUED). Rows only: no ledger entry is posted for them, which the
 * read path does not look at. The snapshot has app/domain/redemption.ts's
 * RewardSnapshot shape.
 */
async function issueCodes(app: BenchApp, shop: string): Promise<ProxyShop["codes"]> {
  const { rows } = await app.pool.query<{ live: string; other: string }>(
    `WITH m AS (
       SELECT "id", row_number() OVER (ORDER BY "customerGid") AS i FROM "Member" WHERE "shop" = $1
     ), r AS (
       SELECT r.*, s."currencyCode", row_number() OVER (ORDER BY r."pointsCost") AS j, count(*) OVER () AS n
       FROM "Reward" r JOIN "Shop" s ON s."domain" = r."shop"
       WHERE r."shop" = $1 AND r."enabled" AND r."kind" <> 'STORE_CREDIT'
     ), inserted AS (
       INSERT INTO "Redemption" ("id", "shop", "memberId", "rewardId", "idempotencyKey", "requestHash",
                                 "status", "pointsCost", "reward", "code", "expiresAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, m."id", r."id", 'bench-' || m.i || '-' || s.k, 'bench',
              s.status::"RedemptionStatus", r."pointsCost",
              jsonb_build_object('kind', r."kind", 'name', r."name", 'pointsCost', r."pointsCost",
                'amount', r."amount"::text, 'percentHundredths', r."percentHundredths",
                'minimumSubtotal', r."minimumSubtotal"::text,
                'combinesWith', jsonb_build_object('orderDiscounts', r."combinesWithOrder",
                  'productDiscounts', r."combinesWithProduct", 'shippingDiscounts', r."combinesWithShipping"),
                'codeValidDays', r."codeValidDays", 'currency', r."currencyCode"),
              'TALLY-' || regexp_replace(upper(substr(md5(m."id"::text || s.k), 1, 12)), '(.{4})(.{4})(.{4})', '\\1-\\2-\\3'),
              now() + s.ends, now() - s.age, now()
       FROM m
       CROSS JOIN LATERAL (VALUES
         (1, 'ISSUED', interval '30 days', interval '1 day', 3),
         (2, 'USED', interval '20 days', interval '10 days', 4),
         (3, 'ISSUED', interval '-1 day', interval '31 days', 5)) AS s(k, status, ends, age, every)
       JOIN r ON r.j = 1 + (m.i + s.k) % r.n
       WHERE m.i % s.every = 0
       RETURNING "status", "expiresAt"
     )
     SELECT count(*) FILTER (WHERE "status" = 'ISSUED' AND "expiresAt" > now()) AS live,
            count(*) FILTER (WHERE NOT ("status" = 'ISSUED' AND "expiresAt" > now())) AS other
     FROM inserted`,
    [shop],
  );
  return { live: Number(rows[0]!.live), usedOrExpired: Number(rows[0]!.other) };
}

export async function seedProxyShop(app: BenchApp, members: number): Promise<ProxyShop> {
  const shop = await installShop(app.pool, "storefront");
  await seedMembers(
    app.pool,
    shop,
    Array.from({ length: members }, (_, i) => customerGid(i + 1)),
  );
  await runScript("bench/proxy-seed-child.ts", { ...app.env, PROXY_SHOP: shop }, CHILD_TIMEOUT_MS);
  const codes = await issueCodes(app, shop);
  await app.pool.query(`ANALYZE "Redemption"`);
  const { rows } = await app.pool.query<{ enabled: string; all: string }>(
    `SELECT count(*) FILTER (WHERE "enabled") AS enabled, count(*) AS all FROM "Reward" WHERE "shop" = $1`,
    [shop],
  );
  return {
    shop,
    members,
    rewards: { enabled: Number(rows[0]!.enabled), all: Number(rows[0]!.all) },
    codes,
  };
}
