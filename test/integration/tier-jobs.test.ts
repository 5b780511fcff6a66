import { Queue, QueueEvents } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createRedis } from "~/jobs/redis.server";
import { TIER_QUEUE } from "~/jobs/tier-queue.server";
import { postEntry } from "~/models/ledger.server";
import { saveTierProgram } from "~/models/tier-program.server";
import { orderPayload } from "#test/factories/order";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { installedShop } from "#test/support/shops";
import { tierNameOf } from "#test/support/tiers";
import { waitFor } from "#test/support/wait";
import { deliver, runWorkersDuringFile } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 4, sweepEveryMs: 200, sweepGraceMs: 500 });

const events = new QueueEvents(TIER_QUEUE, {
  connection: createRedis("worker"),
  prefix: process.env.TALLY_QUEUE_PREFIX,
});
const queue = new Queue(TIER_QUEUE, {
  connection: createRedis("producer"),
  prefix: process.env.TALLY_QUEUE_PREFIX,
});
afterAll(() => Promise.all([events.close(), queue.close()]));

let nextId = 7_600_000_000_000;
const TIERS = tierProgramInput([
  tierInput("Bronze", "0"),
  tierInput("Silver", "500"),
  tierInput("Gold", "2000"),
]);

describe("tier recalculation in the workers", () => {
  it("a burst of a hundred orders for one member ends in the right tier after a handful of jobs", async () => {
    const shop = await installedShop();
    await saveTierProgram(shop, TIERS);
    await events.waitUntilReady();
    let jobs = 0;
    const count = () => jobs++;
    events.on("completed", count);

    await Promise.all(
      Array.from({ length: 100 }, () => {
        const orderId = nextId++;
        return deliver({
          shop,
          topic: "orders/paid",
          webhookId: `paid-${orderId}`,
          body: orderPayload({ orderId, customerId: 41, lines: [{ price: "30.00" }] }),
        });
      }),
    );
    const gid = "gid://shopify/Customer/41";
    await waitFor(async () => ((await tierNameOf(shop, gid)) === "Gold" ? true : undefined), {
      what: "the member to reach Gold",
      timeoutMs: 15_000,
    });
    // Counted once the queue has gone quiet and the completions have been heard.
    await waitFor(
      async () => {
        const counts = await queue.getJobCounts("waiting", "delayed", "active");
        const open = Object.values(counts).reduce((sum, n) => sum + n, 0);
        return jobs > 0 && open === 0 ? true : undefined;
      },
      { what: "the tier queue to go quiet", timeoutMs: 15_000 },
    );
    events.off("completed", count);

    expect(jobs).toBeGreaterThan(0);
    expect(jobs).toBeLessThanOrEqual(10);
    const member = await prisma.member.findUniqueOrThrow({
      where: { shop_customerGid: { shop, customerGid: gid } },
    });
    expect(member.points).toBe(3_000);
    expect(member.tierValue).toBe(3_000n);
  });

  it("a balance change whose job never reached Redis is found from the database and recalculated", async () => {
    const shop = await installedShop();
    await saveTierProgram(shop, TIERS);
    const gid = "gid://shopify/Customer/42";
    const { id: memberId } = await prisma.member.create({ data: { shop, customerGid: gid } });

    // Posted straight to the ledger: no job is ever requested for it.
    await prisma.$transaction((tx) =>
      postEntry(tx, {
        shop,
        memberId,
        kind: "BONUS",
        points: 600,
        reason: "welcome back bonus",
        source: null,
        idempotencyKey: "goodwill-1",
        details: {},
      }),
    );

    await waitFor(async () => ((await tierNameOf(shop, gid)) === "Silver" ? true : undefined), {
      what: "the sweeper to find the member",
      timeoutMs: 15_000,
    });
    const member = await prisma.member.findUniqueOrThrow({ where: { id: memberId } });
    expect(member.tierDirtyAt).toBeNull();
    expect(await prisma.tierChange.findFirst({ where: { memberId } })).toMatchObject({
      toTier: "Silver",
      cause: "ledger change",
    });
  });
});
