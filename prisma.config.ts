import { defineConfig } from "prisma/config";

// Read DATABASE_URL directly rather than with prisma/config's env(), which
// throws when it is unset: `prisma generate` needs no database and must work
// on a fresh clone without one.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL },
});
