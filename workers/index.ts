// The worker process: `npm run worker`. Starts the queue consumers and stops
// them cleanly on SIGTERM/SIGINT so a deploy never abandons a job mid-way
// (an abandoned job would be retried anyway; this just avoids the wait).
import { getEnv } from "~/env.server";
import { prisma } from "~/db.server";
import { startWorkers } from "~/jobs/worker.server";
import { closeWebhookQueue } from "~/jobs/webhook-queue.server";

getEnv();
const workers = startWorkers();
console.info("[worker] Tally workers started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.info(`[worker] ${signal}: finishing current jobs`);
  await workers.close();
  await closeWebhookQueue();
  await prisma.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
