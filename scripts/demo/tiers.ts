import pg from "pg";

export interface DemoTier {
  customer: string;
  tier: string | null;
  tag: string | null;
  points: number;
}

async function query<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Each member's tier and what Tally last wrote to their Shopify customer. */
export function readTiers(databaseUrl: string): Promise<DemoTier[]> {
  return query<DemoTier>(
    databaseUrl,
    `SELECT m."customerGid" AS customer, t."name" AS tier, m."shopifyTag" AS tag, m."points"
     FROM "Member" m LEFT JOIN "Tier" t ON t."id" = m."tierId" ORDER BY m."customerGid"`,
  );
}

/** Waits until `members` members are synced to Shopify with nothing left marked. */
export async function waitForTiers(databaseUrl: string, members: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await query<{ synced: string; marked: string }>(
      databaseUrl,
      `SELECT COUNT(*) FILTER (WHERE "shopifyTag" IS NOT NULL) AS synced,
              COUNT(*) FILTER (WHERE "shopifyDirtyAt" IS NOT NULL OR "tierDirtyAt" IS NOT NULL) AS marked
       FROM "Member"`,
    );
    if (Number(row!.synced) >= members && Number(row!.marked) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `the demo's ${members} members were not tiered and synced to Shopify within ${timeoutMs / 1000}s`,
  );
}
