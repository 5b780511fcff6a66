import { createHash } from "node:crypto";

// Prisma records sha256(migration.sql) as lowercase hex in
// _prisma_migrations.checksum; recording the same value lets `prisma migrate
// deploy` on a developer machine accept the history this runner wrote.
export function migrationChecksum(script: string): string {
  return createHash("sha256").update(script, "utf8").digest("hex");
}

// Prisma also accepts the script with LF/CRLF line endings swapped, because
// git may rewrite them on checkout (core.autocrlf); a file edited only that
// way is not an edited migration.
export function matchesChecksum(script: string, checksum: string): boolean {
  return [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")].some(
    (variant) => migrationChecksum(variant) === checksum,
  );
}
