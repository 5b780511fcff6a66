import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createRedis } from "~/jobs/redis.server";
import { runShopifySync } from "~/jobs/run-shopify-sync.server";
import { SYNC_QUEUE } from "~/jobs/sync-queue.server";
import { markAllForSync } from "~/models/shopify-sync.server";
import { saveTierProgram } from "~/models/tier-program.server";
import { CANCELLED_AT, orderPayload } from "#test/factories/order";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import type { ShopifyStandIn } from "#test/mocks/shopify/stand-in";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";
import { waitFor } from "#test/support/wait";
import { deliver, runWorkersDuringFile, type Topic } from "#test/support/webhooks";

process.env.TALLY_SYNC_LEASE_MS = "1500";
// A Plus-sized bucket: the many-member tests would otherwise spend minutes
// waiting on the rate limit (Shopify's real one, which the client honours).
const standIn = standInDuringFile({ bucket: { maximumAvailable: 20_000, restoreRate: 10_000 } });
runWorkersDuringFile({ concurrency: 4, sweepEveryMs: 200, sweepGraceMs: 500 });

const redis = createRedis("producer");
const syncQueue = new Queue(SYNC_QUEUE, {
  connection: createRedis("producer"),
  prefix: process.env.TALLY_QUEUE_PREFIX,
});
afterAll(() => Promise.all([syncQueue.close(), redis.quit()]));

const TIERS = [tierInput("Bronze", "0"), tierInput("Silver", "500"), tierInput("Gold", "2000")];
let nextId = 7_700_000_000_000;

const numericId = (gid: string) => Number(gid.split("/").pop());

async function send(shop: string, topic: Topic, customerGid: string, price: string, orderId = nextId++) {
  const cancelledAt = topic === "orders/cancelled" ? CANCELLED_AT : undefined;
  const body = orderPayload({ orderId, customerId: numericId(customerGid), lines: [{ price }], cancelledAt });
  await deliver({ shop, topic, webhookId: `${topic}-${nextId++}`, body });
  return orderId;
}

/** What Shopify holds for the customer: Tally's tags and `$app:tally` metafields. */
function shopifyCopy(standIn: ShopifyStandIn, shop: string, customerGid: string) {
  const metafields = standIn
    .metafieldsOf(shop, customerGid)
    .filter((m) => m.namespace === standIn.expandNamespace("$app:tally"));
  const value = (key: string) => metafields.find((m) => m.key === key)?.value ?? null;
  return {
    tags: standIn.customer(shop, customerGid)!.tags,
    tier: value("tier"),
    points: value("points_balance"),
  };
}

function untilShopifyHolds(shop: string, customerGid: string, expected: ReturnType<typeof shopifyCopy>) {
  return waitFor(
    async () => {
      const copy = shopifyCopy(standIn, shop, customerGid);
      return JSON.stringify(copy) === JSON.stringify(expected) ? copy : undefined;
    },
    { what: `Shopify to hold ${JSON.stringify(expected)}`, timeoutMs: 20_000 },
  );
}

/** Members with stand-in customers and no balance, for tests that move many at once. */
async function manyMembers(shop: string, count: number): Promise<string[]> {
  const gids = Array.from({ length: count }, (_, n) => standIn.addCustomer(shop, { firstName: `C${n}` }));
  await prisma.member.createMany({ data: gids.map((customerGid) => ({ shop, customerGid })) });
  return gids;
}

/** Every member written and unmarked, and each customer carrying exactly `tag` among Tally's. */
async function untilEveryoneSynced(shop: string, gids: string[], tag: string) {
  await waitFor(
    async () => {
      const marked = await prisma.member.count({ where: { shop, shopifyDirtyAt: { not: null } } });
      const wrong = gids.filter((gid) => {
        const copy = shopifyCopy(standIn, shop, gid);
        return (
          copy.tier !== "Bronze" || copy.points !== "0" || JSON.stringify(copy.tags) !== JSON.stringify([tag])
        );
      });
      return marked === 0 && wrong.length === 0 ? true : undefined;
    },
    { what: "every member to be synced", timeoutMs: 40_000, everyMs: 100 },
  );
}

describe("writing tiers back to Shopify", () => {
  it("tags the customer with their tier and writes tier and balance metafields, moving the tag up and down", async () => {
    const { shop, customerId } = await connectedShop(standIn, "sync");
    await saveTierProgram(shop, tierProgramInput(TIERS));

    const orderId = await send(shop, "orders/paid", customerId, "600.00");
    await untilShopifyHolds(shop, customerId, { tags: ["VIP: Silver"], tier: "Silver", points: "600" });

    await send(shop, "orders/cancelled", customerId, "600.00", orderId);
    await untilShopifyHolds(shop, customerId, { tags: ["VIP: Bronze"], tier: "Bronze", points: "0" });

    const definitions = standIn
      .state(shop)
      .metafieldDefinitions.map((d) => [d.namespace, d.key, d.access.storefront]);
    expect(definitions).toEqual([
      [standIn.expandNamespace("$app:tally"), "tier", "PUBLIC_READ"],
      [standIn.expandNamespace("$app:tally"), "points_balance", "PUBLIC_READ"],
    ]);
    // Recorded once Shopify confirmed, so what the next sync compares against is true.
    const member = await waitFor(
      async () => {
        const row = await prisma.member.findUniqueOrThrow({
          where: { shop_customerGid: { shop, customerGid: customerId } },
        });
        return row.shopifyDirtyAt === null ? row : undefined;
      },
      { what: "the write to be recorded" },
    );
    expect(member).toMatchObject({ shopifyTag: "VIP: Bronze", shopifyTier: "Bronze", shopifyPoints: 0 });
  });

  it("keeps the merchant's own tags and swaps every member's tag when the prefix changes", async () => {
    const { shop, customerId } = await connectedShop(standIn, "prefix");
    standIn.customer(shop, customerId)!.tags = ["newsletter"];
    await saveTierProgram(shop, tierProgramInput(TIERS));
    await send(shop, "orders/paid", customerId, "2500.00");
    await untilShopifyHolds(shop, customerId, {
      tags: ["newsletter", "VIP: Gold"],
      tier: "Gold",
      points: "2500",
    });

    const tiers = await prisma.tier.findMany({ where: { shop }, orderBy: { position: "asc" } });
    await saveTierProgram(
      shop,
      tierProgramInput(
        tiers.map((t) => tierInput(t.name, t.threshold.toString(), "1", t.id)),
        { tagPrefix: "Tally " },
      ),
    );

    await untilShopifyHolds(shop, customerId, {
      tags: ["newsletter", "Tally Gold"],
      tier: "Gold",
      points: "2500",
    });
  });

  it("waits out a throttled Admin API and then writes", async () => {
    const { shop, customerId } = await connectedShop(standIn, "throttled");
    await prisma.member.create({ data: { shop, customerGid: customerId } });
    await saveTierProgram(shop, tierProgramInput(TIERS));
    await untilShopifyHolds(shop, customerId, { tags: ["VIP: Bronze"], tier: "Bronze", points: "0" });

    standIn.failNext("THROTTLED", 2);
    await send(shop, "orders/paid", customerId, "700.00");

    await untilShopifyHolds(shop, customerId, { tags: ["VIP: Silver"], tier: "Silver", points: "700" });
    const outcomes = standIn.graphqlRequests(shop).map((r) => r.outcome);
    expect(outcomes.filter((o) => o === "throttled")).toHaveLength(2);
  });

  it("records a customer Shopify refuses for support, writes the others, and does not retry the refusal forever", async () => {
    const { shop, customerId } = await connectedShop(standIn, "refused");
    const gone = standIn.addCustomer(shop, { firstName: "Gone" });
    await prisma.member.create({ data: { shop, customerGid: customerId } });
    await saveTierProgram(shop, tierProgramInput(TIERS));
    await untilShopifyHolds(shop, customerId, { tags: ["VIP: Bronze"], tier: "Bronze", points: "0" });
    // Deleted in Shopify after Tally knew them: every write about them is refused.
    standIn.state(shop).customers.delete(gone);
    await send(shop, "orders/paid", gone, "600.00");
    await send(shop, "orders/paid", customerId, "600.00");

    await untilShopifyHolds(shop, customerId, { tags: ["VIP: Silver"], tier: "Silver", points: "600" });
    const refused = await waitFor(
      async () => {
        const member = await prisma.member.findUnique({
          where: { shop_customerGid: { shop, customerGid: gone } },
        });
        // Settled: refused, and not marked again (the balance and then the
        // tier moved, so it may be refused more than once on the way).
        return member?.shopifyRefusal && member.shopifyDirtyAt === null ? member : undefined;
      },
      { what: "the refusal to be recorded" },
    );
    expect(refused.shopifyRefusal).toMatch(/does not exist/);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { shop, action: "shopify.sync_refused" } });
    expect(JSON.stringify(audit.details)).toContain(gone);
    const failed = await waitFor(
      async () => (await syncQueue.getFailed()).find((job) => job.data.shop === shop),
      { what: "the failed sync job" },
    );
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/refused 1 customer/);

    // Many sweeps later, nobody has asked Shopify about them again.
    const asked = () => standIn.graphqlRequests(shop).filter((r) => JSON.stringify(r).includes(gone)).length;
    const before = asked();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(asked()).toBe(before);
  });

  it("a shop that has not granted write_customers is recorded for support, left alone, and synced once the merchant grants it", async () => {
    const { shop, customerId } = await connectedShop(standIn, "unscoped");
    await prisma.session.update({ where: { id: `offline_${shop}` }, data: { scope: "read_orders" } });
    await saveTierProgram(shop, tierProgramInput(TIERS));
    await send(shop, "orders/paid", customerId, "600.00");

    const row = await waitFor(
      async () => {
        const found = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
        return found.syncError ? found : undefined;
      },
      { what: "the shop's sync failure to be recorded" },
    );
    expect(row.syncError).toMatch(/has not granted write_customers/);
    expect(await prisma.auditLog.count({ where: { shop, action: "shopify.sync_failed" } })).toBeGreaterThan(
      0,
    );

    // The member stays marked (nothing was written), yet however many tier
    // jobs and sweeps come, nobody calls Shopify for the next hour.
    const failures = await prisma.auditLog.count({ where: { shop, action: "shopify.sync_failed" } });
    await send(shop, "orders/paid", customerId, "10.00");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await prisma.auditLog.count({ where: { shop, action: "shopify.sync_failed" } })).toBe(failures);
    expect(standIn.graphqlRequests(shop).filter((r) => r.operationType === "mutation")).toEqual([]);

    // The merchant approves the scope: Shopify says so, and the sync goes through.
    await deliver({
      shop,
      topic: "app/scopes_update",
      webhookId: `scopes-${nextId++}`,
      body: {
        id: 1,
        shop_id: "gid://shopify/Shop/1",
        previous: ["read_orders"],
        current: ["read_orders", "write_customers"],
        updated_at: "2026-11-23T12:00:00Z",
      },
    });
    await untilShopifyHolds(shop, customerId, { tags: ["VIP: Silver"], tier: "Silver", points: "610" });
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).syncError).toBeNull();
  });

  it("converges after Redis loses every queued and running job mid-sync", async () => {
    const { shop } = await connectedShop(standIn, "flushed");
    const gids = await manyMembers(shop, 2_000);
    await saveTierProgram(shop, tierProgramInput(TIERS));

    const written = await waitFor(
      async () => {
        const clean = await prisma.member.count({ where: { shop, shopifyDirtyAt: null } });
        return clean > 0 ? clean : undefined;
      },
      { what: "the sync to start writing", everyMs: 5 },
    );
    await deleteQueueKeys();

    expect(written).toBeLessThan(gids.length);
    await untilEveryoneSynced(shop, gids, "VIP: Bronze");
  });

  it("converges when a worker dies mid-batch: its writes half done, its lease held", async () => {
    const { shop } = await connectedShop(standIn, "killed");
    const gids = await manyMembers(shop, 300);
    await saveTierProgram(shop, tierProgramInput(TIERS));
    await untilEveryoneSynced(shop, gids, "VIP: Bronze");

    // A new prefix, marked without asking for a job: the doomed worker gets there first.
    await prisma.tierProgram.update({ where: { shop }, data: { tagPrefix: "Tally " } });
    await markAllForSync(shop);
    let calls = 0;
    let die: () => void = () => {};
    const dead = new Promise<never>((_, reject) => (die = () => reject(new Error("the worker is gone"))));
    const doomed = runShopifySync(shop, {
      client: {
        retry: { attempts: 1 },
        // Three documents reach Shopify, then the process freezes for good.
        fetch: (input, init) => (++calls <= 3 ? globalThis.fetch(input, init) : dead),
      },
    });
    const settled = doomed.then(
      () => "finished",
      (error: Error) => error.message,
    );

    await waitFor(async () => (calls > 3 ? true : undefined), { what: "the doomed worker to freeze" });
    const halfDone = gids.filter((gid) => shopifyCopy(standIn, shop, gid).tags.includes("Tally Bronze"));
    expect(halfDone.length).toBeGreaterThan(0);
    expect(halfDone.length).toBeLessThan(gids.length);

    await untilEveryoneSynced(shop, gids, "Tally Bronze");
    die();
    expect(await settled).toMatch(/gone|lost the sync lease/);
    // The frozen worker recorded nothing over what the live one wrote.
    expect(await prisma.member.count({ where: { shop, shopifyTag: "Tally Bronze" } })).toBe(gids.length);
  });
});

/** Redis loses everything this file queued, as a restart without persistence would. */
async function deleteQueueKeys() {
  const keys = await redis.keys(`${process.env.TALLY_QUEUE_PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
}
