import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { matchesChecksum, migrationChecksum } from "./checksum";
import { readMigrations, type MigrationFile } from "./migrations-dir";
import { defaultMigrationsDir } from "./paths";

export interface MigrateDeployOptions {
  databaseUrl: string;
  migrationsDir?: string;
  log?: (line: string) => void;
}

// The key Prisma's schema engine locks on, so this runner and a developer's
// `prisma migrate deploy` also exclude each other.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;
const LOCK_WAIT = "60s";

// Prisma's own definition, column for column: a developer's Prisma CLI reads
// and extends the history this runner writes.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export async function migrateDeploy(opts: MigrateDeployOptions): Promise<{ applied: string[] }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const migrations = await readMigrations(opts.migrationsDir ?? defaultMigrationsDir);
  const client = new pg.Client({
    connectionString: opts.databaseUrl,
    application_name: "tally-migrate-deploy",
  });
  await client.connect();
  try {
    await acquireLock(client);
    try {
      await refuseUnmanagedSchema(client);
      await client.query(CREATE_MIGRATIONS_TABLE);
      const rows = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
           FROM "_prisma_migrations" ORDER BY started_at`,
      );
      const pending = pendingMigrations(migrations, rows.rows, log);
      if (pending.length === 0) {
        log(`${migrations.length} migrations found, no pending migrations to apply.`);
        return { applied: [] };
      }
      for (const migration of pending) {
        log(`Applying migration \`${migration.name}\``);
        await applyMigration(client, migration);
      }
      log(`Applied ${pending.length} migration(s): ${pending.map((m) => m.name).join(", ")}`);
      return { applied: pending.map((m) => m.name) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function acquireLock(client: pg.Client): Promise<void> {
  // Bounded, so a stuck deploy elsewhere yields an error instead of a hang;
  // the migrations themselves then run without that bound.
  await client.query(`SET lock_timeout = '${LOCK_WAIT}'`);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
  } catch (error) {
    if (pgCode(error) === "55P03") {
      throw new Error(
        `Another migration run held the migration lock (advisory lock ${PRISMA_ADVISORY_LOCK_KEY}) for over ${LOCK_WAIT}.`,
      );
    }
    throw error;
  } finally {
    await client.query("RESET lock_timeout");
  }
}

// As Prisma's P3005: tables but no migration history means the database was
// built some other way, and replaying the history onto it would collide.
async function refuseUnmanagedSchema(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ has_history: boolean; tables: string[] }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS has_history,
            coalesce(array_agg(tablename::text ORDER BY tablename), '{}') AS tables
       FROM pg_tables WHERE schemaname = current_schema()`,
  );
  const state = rows[0];
  if (state && !state.has_history && state.tables.length > 0) {
    throw new Error(
      `The database schema is not empty and has no migration history (tables: ${state.tables.join(", ")}). ` +
        "Baseline it first (see docs/decisions/0001-offline-migrations.md) or use an empty database.",
    );
  }
}

function pendingMigrations(
  files: MigrationFile[],
  rows: AppliedRow[],
  log: (line: string) => void,
): MigrationFile[] {
  const live = rows.filter((row) => row.rolled_back_at === null);

  const failed = live.filter((row) => row.finished_at === null);
  if (failed.length > 0) {
    const details = failed.map((row) => `  ${row.migration_name}: ${row.logs ?? "(no log)"}`).join("\n");
    throw new Error(
      `Found failed migrations in the target database; new migrations will not be applied.\n${details}\n` +
        "Each ran in a transaction that was rolled back, so fix the migration and mark it rolled back " +
        `(UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL, ` +
        "or `prisma migrate resolve --rolled-back <name>`), then deploy again.",
    );
  }

  const byName = new Map(files.map((file) => [file.name, file]));
  const edited = live.filter((row) => {
    const file = byName.get(row.migration_name);
    return file !== undefined && !matchesChecksum(file.script, row.checksum);
  });
  if (edited.length > 0) {
    throw new Error(
      `Applied migrations were modified after they were applied: ${edited.map((row) => row.migration_name).join(", ")}. ` +
        "Restore their migration.sql to the applied version and put the change in a new migration.",
    );
  }

  const appliedNames = new Set(live.map((row) => row.migration_name));
  for (const name of appliedNames) {
    if (!byName.has(name)) log(`Warning: applied migration \`${name}\` is not in the migrations directory.`);
  }
  return files.filter((file) => !appliedNames.has(file.name));
}

// Prisma's bookkeeping order: the row is committed as started before the
// script runs, so a failure leaves a visible failed entry that stops later
// deploys. Unlike Prisma, the script runs in a transaction, so a failed
// migration leaves no half-applied schema behind.
async function applyMigration(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migrationChecksum(migration.script), migration.name],
  );
  try {
    await client.query("BEGIN");
    await client.query(migration.script);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    const message = error instanceof Error ? error.message : String(error);
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
    throw new Error(`Migration \`${migration.name}\` failed and was rolled back: ${message}`, {
      cause: error,
    });
  }
}

function pgCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set.");
  await migrateDeploy({ databaseUrl });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
