import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "~/env.server";

declare global {
  // Dev server reloads would otherwise open a new pool on every change.
  var __tallyPrisma: PrismaClient | undefined;
}

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: getEnv().DATABASE_URL, max: 20 });
  return new PrismaClient({ adapter });
}

export const prisma: PrismaClient = globalThis.__tallyPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalThis.__tallyPrisma = prisma;
