import { randomBytes } from "node:crypto";
import type pg from "pg";

/**
 * Writes the rows Shopify's managed install leaves behind (the shape of
 * test/support/shops.ts): an offline session, the shop and its program
 * settings, earning 1 point per USD. The webhook route ignores shops without
 * the offline session, so without these rows nothing would be earned.
 */
export async function installShop(pool: pg.Pool, label: string): Promise<string> {
  const shop = `${label}-${randomBytes(4).toString("hex")}.myshopify.com`;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "Session" ("id", "shop", "state", "isOnline", "accessToken", "scope")
       VALUES ($1, $2, '', false, 'shpat_bench', 'read_orders')`,
      [`offline_${shop}`, shop],
    );
    await client.query(
      `INSERT INTO "Shop" ("domain", "currencyCode", "updatedAt") VALUES ($1, 'USD', now())`,
      [shop],
    );
    await client.query(
      `INSERT INTO "ProgramSettings" ("shop", "earnRate", "updatedAt") VALUES ($1, 1, now())`,
      [shop],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  return shop;
}
