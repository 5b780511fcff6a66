import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface MigrationFile {
  name: string;
  script: string;
}

// Prisma's layout: one folder per migration, named so that name order is
// apply order, each holding migration.sql. Loose files (migration_lock.toml,
// the schema snapshot) are not migrations.
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw error;
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = join(migrationsDir, name, "migration.sql");
      const script = await readFile(file, "utf8").catch((error: unknown) => {
        if (isNotFound(error)) throw new Error(`Migration folder ${name} has no migration.sql (${file})`);
        throw error;
      });
      return { name, script };
    }),
  );
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
