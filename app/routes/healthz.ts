import { prisma } from "~/db.server";

// For load balancers and the demo script: the app is up and reaches Postgres.
export const loader = async () => {
  await prisma.$queryRaw`SELECT 1`;
  return new Response("ok", { headers: { "Cache-Control": "no-store" } });
};
