import { randomBytes } from "node:crypto";
import { adminQuery, databaseUrl } from "../scripts/db/server";
import { onCleanup } from "./cleanup";

/**
 * Creates an empty database named `<prefix>_<random>` and registers its drop,
 * so parallel runs and developers' own databases are never touched.
 */
export async function scratchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  // FORCE: a child process killed mid-query may still hold a connection.
  const drop = onCleanup(`drop database ${name}`, () =>
    adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
  return { name, url: databaseUrl(adminUrl, name), drop };
}
