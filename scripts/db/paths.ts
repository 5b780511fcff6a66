import { fileURLToPath } from "node:url";

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const schemaPath = repoFile("prisma/schema.prisma");
export const defaultMigrationsDir = repoFile("prisma/migrations");
// prisma/schema.prisma as of the latest migration: the "from" side of the
// next diff. One file, so two branches that both add migrations conflict in
// git and someone reconciles them, instead of the second silently
// re-creating the first's changes.
export const snapshotPath = repoFile("prisma/migrations/schema.snapshot.prisma");
