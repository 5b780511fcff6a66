import { createHash, randomBytes } from "node:crypto";
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDeploy } from "../../scripts/db/migrate-deploy";
import { readMigrations } from "../../scripts/db/migrations-dir";
import { defaultMigrationsDir, schemaPath, snapshotPath } from "../../scripts/db/paths";
import { diffSchemas } from "../../scripts/db/schema-engine";

const databaseUrl = process.env.DATABASE_URL ?? "";
const quiet = { log: () => {} };
let pool: pg.Pool;
let scratchDir: string;
const scratchDatabases: string[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: databaseUrl });
  scratchDir = await mkdtemp(join(tmpdir(), "tally-migrations-"));
});

afterAll(async () => {
  await pool.end();
  for (const name of scratchDatabases) await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await rm(scratchDir, { recursive: true, force: true });
});

// Scenarios that leave a database in a broken state get their own.
async function freshDatabase(): Promise<string> {
  const name = `${new URL(databaseUrl).pathname.slice(1)}_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  scratchDatabases.push(name);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(scratchDir, "copy-"));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

async function pgError(
  promise: Promise<unknown>,
): Promise<{ code?: string; constraint?: string; message: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error("expected the statement to fail");
  return error as Error & { code?: string; constraint?: string };
}

async function insertMember(points: number): Promise<{ shop: string; memberId: string }> {
  const shop = `${randomBytes(4).toString("hex")}.myshopify.com`;
  await pool.query(`INSERT INTO "Shop" (domain, "updatedAt") VALUES ($1, now())`, [shop]);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "Member" (id, shop, "customerGid", points, "updatedAt")
     VALUES (gen_random_uuid(), $1, 'gid://shopify/Customer/1', $2, now()) RETURNING id`,
    [shop, points],
  );
  return { shop, memberId: rows[0]!.id };
}

async function insertEntry(points: number): Promise<string> {
  const { shop, memberId } = await insertMember(Math.max(points, 0));
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "LedgerEntry" (shop, "memberId", kind, points, reason, "idempotencyKey")
     VALUES ($1, $2, 'EARN', $3, 'order', $4) RETURNING id`,
    [shop, memberId, points, randomBytes(8).toString("hex")],
  );
  return rows[0]!.id;
}

describe("test database strategy", () => {
  it("gives this run its own migrated database, and each file a queue prefix under the run's", () => {
    expect(new URL(databaseUrl).pathname).toMatch(/^\/tally_test_[0-9a-f]{8}$/);
    expect(process.env.TALLY_QUEUE_PREFIX).toMatch(/^tally_test_[0-9a-f]{8}:[0-9a-f]{8}$/);
  });
});

describe("migration history", () => {
  it("records every migration in _prisma_migrations with Prisma's checksum, sha256 of migration.sql", async () => {
    const files = await readMigrations(defaultMigrationsDir);
    const { rows } = await pool.query(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
         FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(files.length).toBeGreaterThan(0);
    expect(rows).toEqual(
      files.map((file) => ({
        migration_name: file.name,
        checksum: createHash("sha256").update(file.script).digest("hex"),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        applied_steps_count: 1,
      })),
    );
  });

  it("applies nothing when deployed again", async () => {
    await expect(migrateDeploy({ databaseUrl, ...quiet })).resolves.toEqual({ applied: [] });
  });

  it("applies each migration once when two deploys race on an empty database", async () => {
    const url = await freshDatabase();
    const results = await Promise.all([
      migrateDeploy({ databaseUrl: url, ...quiet }),
      migrateDeploy({ databaseUrl: url, ...quiet }),
    ]);
    const names = (await readMigrations(defaultMigrationsDir)).map((file) => file.name);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
  });

  it("refuses to deploy when an applied migration's file was modified", async () => {
    const dir = await copyOfMigrations();
    const [first] = await readMigrations(dir);
    await appendFile(join(dir, first!.name, "migration.sql"), "\n-- edited after it was applied\n");
    await expect(migrateDeploy({ databaseUrl, migrationsDir: dir, ...quiet })).rejects.toThrow(
      `Applied migrations were modified after they were applied: ${first!.name}`,
    );
  });

  it("rolls back a failing migration, records it as failed, and refuses later deploys until it is resolved", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    await mkdir(join(dir, "29991231235959_broken"));
    await writeFile(
      join(dir, "29991231235959_broken", "migration.sql"),
      `CREATE TABLE "HalfDone" (id INT);\nSELECT * FROM "NoSuchTable";\n`,
    );
    await expect(migrateDeploy({ databaseUrl: url, migrationsDir: dir, ...quiet })).rejects.toThrow(
      /Migration `29991231235959_broken` failed and was rolled back: relation "NoSuchTable" does not exist/,
    );
    await expect(migrateDeploy({ databaseUrl: url, migrationsDir: dir, ...quiet })).rejects.toThrow(
      /Found failed migrations in the target database; new migrations will not be applied\.\n  29991231235959_broken: relation "NoSuchTable" does not exist/,
    );

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT to_regclass('"HalfDone"') AS half_done`);
      expect(rows[0].half_done).toBeNull();
    } finally {
      await client.end();
    }
  });

  it("covers prisma/schema.prisma: the schema has no changes beyond the latest migration", async () => {
    const [schema, snapshot] = await Promise.all([
      readFile(schemaPath, "utf8"),
      readFile(snapshotPath, "utf8"),
    ]);
    await expect(
      diffSchemas({ path: "schema.prisma", content: snapshot }, { path: "schema.prisma", content: schema }),
    ).resolves.toBeNull();
  });
});

describe("ledger rules enforced by the database", () => {
  it("rejects a member balance below zero", async () => {
    const { memberId } = await insertMember(5);
    const error = await pgError(
      pool.query(`UPDATE "Member" SET points = points - 6 WHERE id = $1`, [memberId]),
    );
    expect(error).toMatchObject({ code: "23514", constraint: "member_points_non_negative" });
  });

  it("rejects a ledger entry that moves zero points", async () => {
    const error = await pgError(insertEntry(0));
    expect(error).toMatchObject({ code: "23514", constraint: "ledger_entry_points_non_zero" });
  });

  it("refuses to update a ledger entry, even during erasure", async () => {
    const id = await insertEntry(10);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL tally.erasure = 'on'");
      const error = await pgError(client.query(`UPDATE "LedgerEntry" SET points = 20 WHERE id = $1`, [id]));
      expect(error.message).toBe("LedgerEntry is append-only: UPDATE is not allowed");
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("refuses to delete or truncate ledger entries outside compliance erasure", async () => {
    const id = await insertEntry(10);
    const deleted = await pgError(pool.query(`DELETE FROM "LedgerEntry" WHERE id = $1`, [id]));
    expect(deleted.message).toBe(
      "LedgerEntry is append-only: DELETE is allowed only during compliance erasure",
    );
    const truncated = await pgError(pool.query(`TRUNCATE "LedgerEntry"`));
    expect(truncated.message).toBe(
      "LedgerEntry is append-only: TRUNCATE is allowed only during compliance erasure",
    );
    const { rowCount } = await pool.query(`SELECT 1 FROM "LedgerEntry" WHERE id = $1`, [id]);
    expect(rowCount).toBe(1);
  });

  it("refuses to delete a member's entries through the cascade outside compliance erasure", async () => {
    const id = await insertEntry(10);
    const error = await pgError(
      pool.query(`DELETE FROM "Member" WHERE id = (SELECT "memberId" FROM "LedgerEntry" WHERE id = $1)`, [
        id,
      ]),
    );
    expect(error.message).toBe(
      "LedgerEntry is append-only: DELETE is allowed only during compliance erasure",
    );
  });

  it("deletes a ledger entry in a transaction that set tally.erasure, and only in that transaction", async () => {
    const id = await insertEntry(10);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL tally.erasure = 'on'");
      const { rowCount } = await client.query(`DELETE FROM "LedgerEntry" WHERE id = $1`, [id]);
      expect(rowCount).toBe(1);
      await client.query("COMMIT");

      const later = await insertEntry(10);
      const error = await pgError(client.query(`DELETE FROM "LedgerEntry" WHERE id = $1`, [later]));
      expect(error.message).toMatch(/allowed only during compliance erasure/);
    } finally {
      client.release();
    }
  });
});
