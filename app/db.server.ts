import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "~/env.server";

declare global {
  // Dev server reloads would otherwise open a new pool on every change.
  var __tallyDb: { prisma: PrismaClient; pool: pg.Pool } | undefined;
}

function createClients() {
  // One pool, shared: Prisma's adapter runs on it, and the storefront's
  // hottest read (app/models/storefront.server.ts) uses it directly.
  const pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 20 });
  // Prisma's $disconnect ends it, as it would a pool of its own.
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return { prisma: new PrismaClient({ adapter }), pool };
}

const clients = globalThis.__tallyDb ?? createClients();
if (process.env.NODE_ENV !== "production") globalThis.__tallyDb = clients;

export const prisma: PrismaClient = clients.prisma;
/**
 * The same connections, for a statement on a path so hot that Prisma's
 * per-query work dominates it (the storefront's member answer). Everything
 * else goes through Prisma.
 */
export const pgPool: pg.Pool = clients.pool;
