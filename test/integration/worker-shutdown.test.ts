import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeWebhookQueue, requestDrain } from "~/jobs/webhook-queue.server";
import { orderPayload } from "#test/factories/order";
import { installedShop } from "#test/support/shops";
import { waitFor } from "#test/support/wait";
import { deliver } from "#test/support/webhooks";

// The worker as production runs it: its own process (`npm run worker`).
afterAll(() => closeWebhookQueue());

function startWorkerProcess() {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    env: { ...process.env, WORKER_CONCURRENCY: "2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const counts = async (shop: string) => {
  const rows = await prisma.webhookDelivery.groupBy({ by: ["status"], where: { shop }, _count: true });
  return Object.fromEntries(rows.map((row) => [row.status, row._count])) as Record<string, number>;
};

describe("the worker process", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s finishes the drain it is running, then exits cleanly",
    async (signal) => {
      const shop = await installedShop({ label: "shutdown" });
      await deliver({
        shop,
        topic: "orders/paid",
        webhookId: "template",
        body: orderPayload({ orderId: 7_800_000_000_001, customerId: 1, lines: [{ price: "10.00" }] }),
      });
      // Twenty thousand deliveries: a drain long enough to be stopped in the middle.
      await prisma.$executeRaw`
        INSERT INTO "WebhookDelivery" ("shop", "webhookId", "topic", "subjectGid", "customerGid", "payload", "apiVersion", "triggeredAt")
        SELECT "shop", 'copy-' || n, "topic", "subjectGid", "customerGid", "payload", "apiVersion", "triggeredAt"
        FROM "WebhookDelivery", generate_series(1, 20000) AS n
        WHERE "shop" = ${shop} AND "webhookId" = 'template'`;
      const total = 20_001;
      const worker = startWorkerProcess();
      await requestDrain(shop);

      await waitFor(async () => ((await counts(shop)).PROCESSED ? true : undefined), {
        what: "the drain to start",
        timeoutMs: 30_000,
      });
      const atSignal = await counts(shop);
      expect(atSignal.PENDING).toBeGreaterThan(0);
      worker.child.kill(signal);
      const code = await worker.exited;

      expect(code).toBe(0);
      expect(worker.output()).toContain(`${signal}: finishing current jobs`);
      expect(await counts(shop)).toEqual({ PROCESSED: total });
    },
    60_000,
  );
});
