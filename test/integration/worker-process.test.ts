import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeWebhookQueue, requestDrain } from "~/jobs/webhook-queue.server";
import { saveTierProgram } from "~/models/tier-program.server";
import { orderPayload } from "#test/factories/order";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { installedShop } from "#test/support/shops";
import { waitFor } from "#test/support/wait";
import { deliver } from "#test/support/webhooks";

// The worker as production runs it: its own process (`npm run worker`).
afterAll(() => closeWebhookQueue());

function startWorkerProcess() {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    // A short lock: a job whose worker was killed is taken over within seconds.
    env: { ...process.env, WORKER_CONCURRENCY: "2", WORKER_LOCK_MS: "2000" },
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

/** One paid order for customer 1, delivered as `template` for SQL to copy into many. */
const deliverTemplate = (shop: string, orderId: number, price: string) =>
  deliver({
    shop,
    topic: "orders/paid",
    webhookId: "template",
    body: orderPayload({ orderId, customerId: 1, lines: [{ price }] }),
  });

/** Waits until the worker has processed some of the shop's deliveries, and checks some are left. */
async function untilMidDrain(shop: string): Promise<void> {
  await waitFor(async () => ((await counts(shop)).PROCESSED ? true : undefined), {
    what: "the drain to start",
    timeoutMs: 30_000,
  });
  expect((await counts(shop)).PENDING).toBeGreaterThan(0);
}

describe("the worker process", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s finishes the drain it is running, then exits cleanly",
    async (signal) => {
      const shop = await installedShop({ label: "shutdown" });
      await deliverTemplate(shop, 7_800_000_000_001, "10.00");
      // Twenty thousand deliveries: a drain long enough to be stopped in the middle.
      await prisma.$executeRaw`
        INSERT INTO "WebhookDelivery" ("shop", "webhookId", "topic", "subjectGid", "customerGid", "payload", "apiVersion", "triggeredAt")
        SELECT "shop", 'copy-' || n, "topic", "subjectGid", "customerGid", "payload", "apiVersion", "triggeredAt"
        FROM "WebhookDelivery", generate_series(1, 20000) AS n
        WHERE "shop" = ${shop} AND "webhookId" = 'template'`;
      const total = 20_001;
      const worker = startWorkerProcess();
      await requestDrain(shop);

      await untilMidDrain(shop);
      worker.child.kill(signal);
      const code = await worker.exited;

      expect(code).toBe(0);
      expect(worker.output()).toContain(`${signal}: finishing current jobs`);
      expect(await counts(shop)).toEqual({ PROCESSED: total });
    },
    60_000,
  );

  it("killed outright (SIGKILL) mid-drain, its job is taken over by another worker process: every order earns once and tiers are right", async () => {
    const shop = await installedShop({ label: "killed" });
    await saveTierProgram(shop, tierProgramInput([tierInput("Bronze", "0"), tierInput("Silver", "500")]));
    await deliverTemplate(shop, 7_900_000_000_000, "60.00");
    // 3,000 distinct orders, ten for each of 300 customers: 600 points, Silver, each.
    await prisma.$executeRaw`
      INSERT INTO "WebhookDelivery" ("shop", "webhookId", "topic", "subjectGid", "customerGid", "payload", "apiVersion", "triggeredAt")
      SELECT d."shop", 'order-' || n, d."topic", 'gid://shopify/Order/' || (7900000000000 + n),
             'gid://shopify/Customer/' || (n % 300 + 2),
             jsonb_set(jsonb_set(jsonb_set(jsonb_set(d."payload"::jsonb,
               '{id}', to_jsonb(7900000000000 + n)),
               '{admin_graphql_api_id}', to_jsonb('gid://shopify/Order/' || (7900000000000 + n))),
               '{customer,id}', to_jsonb(n % 300 + 2)),
               '{customer,admin_graphql_api_id}', to_jsonb('gid://shopify/Customer/' || (n % 300 + 2))),
             d."apiVersion", d."triggeredAt"
      FROM "WebhookDelivery" d, generate_series(1, 3000) AS n
      WHERE d."shop" = ${shop} AND d."webhookId" = 'template'`;
    const doomed = startWorkerProcess();
    await requestDrain(shop);
    await untilMidDrain(shop);
    doomed.child.kill("SIGKILL");
    await doomed.exited;

    const successor = startWorkerProcess();
    try {
      await waitFor(
        async () => {
          const marked = await prisma.member.count({ where: { shop, tierDirtyAt: { not: null } } });
          return (await counts(shop)).PENDING === undefined && marked === 0 ? true : undefined;
        },
        { what: "the successor to finish the drain and the tiers", timeoutMs: 60_000, everyMs: 200 },
      );
    } finally {
      successor.child.kill("SIGTERM");
      await successor.exited;
    }

    expect(await counts(shop)).toEqual({ PROCESSED: 3_001 });
    expect(await prisma.ledgerEntry.count({ where: { shop, kind: "EARN" } })).toBe(3_001);
    const members = await prisma.member.findMany({
      where: { shop, customerGid: { not: "gid://shopify/Customer/1" } },
    });
    expect(members).toHaveLength(300);
    expect(new Set(members.map((m) => m.points))).toEqual(new Set([600]));
    const silver = await prisma.tier.findFirstOrThrow({ where: { shop, name: "Silver" } });
    expect(members.every((m) => m.tierId === silver.id)).toBe(true);
  }, 120_000);
});
