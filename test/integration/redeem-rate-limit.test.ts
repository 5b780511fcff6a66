// The redeem rate limit (ADR 0018) over the real route, the real Redis and
// the Shopify stand-in: a script hammering one customer's redeem gets exactly
// the allowance through, each refusal costs neither an Admin API call nor a
// point, other customers and shops keep theirs, and with Redis gone each
// process still limits on its own.
import { createServer, type AddressInfo, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { prisma } from "~/db.server";
import { saveReward } from "~/models/reward.server";
import {
  CUSTOMER_REDEEM_LIMITS,
  SHOP_REDEEM_LIMITS,
  createRedeemRateLimiter,
  replaceRedeemRateLimiter,
  type RedeemRateLimiter,
} from "~/jobs/rate-limit.server";
import { amountOff } from "#test/factories/rewards";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { balancesOf, memberWithPoints, redeemCall } from "#test/support/redemption";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";

const standIn = standInDuringFile();
const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
beforeAll(() => redis.connect());
afterAll(() => redis.quit());

// The buckets' clock stands still unless a test moves it, so "at once" is exact.
let clock = Date.UTC(2026, 11, 4, 12);

/** For this test, the route's limiter is `limiter`. */
function limitWith(limiter: RedeemRateLimiter) {
  onTestFinished(replaceRedeemRateLimiter(limiter));
}

const limiterOn = (client: Redis) => createRedeemRateLimiter({ redis: client, now: () => clock });

async function shopWithReward(label: string) {
  const { shop, customerId } = await connectedShop(standIn, label);
  const saved = await saveReward(shop, amountOff(10, "1.00"));
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  return { shop, customerId, rewardId: saved.reward.id };
}

/** Another customer of `shop`, in Shopify and in Tally, with points enough for every redeem here. */
async function customerOf(shop: string) {
  const customerId = standIn.addCustomer(shop, {});
  return { customerId, memberId: await memberWithPoints(shop, customerId, 10_000) };
}

const discountMutations = (shop: string) =>
  standIn.graphqlRequests(shop).filter((r) => r.kind === "graphql" && r.operationType === "mutation").length;

/** `count` redeems at once, in waves of 50 as a script with a connection pool would send them. */
async function hammer(shop: string, customerId: string, rewardId: string, count: number) {
  const answers: Awaited<ReturnType<typeof redeemCall>>[] = [];
  for (let sent = 0; sent < count; sent += 50) {
    const wave = Array.from({ length: Math.min(50, count - sent) }, () =>
      redeemCall(shop, customerId, { rewardId }),
    );
    answers.push(...(await Promise.all(wave)));
  }
  return answers;
}

describe("the redeem rate limit", () => {
  it("lets exactly a customer's burst through 500 redeems at once; the rest are 429 with Retry-After and cost nothing", async () => {
    limitWith(limiterOn(redis));
    const { shop, customerId, rewardId } = await shopWithReward("limit");
    const memberId = await memberWithPoints(shop, customerId, 10_000);
    const mutationsBefore = discountMutations(shop);

    const answers = await hammer(shop, customerId, rewardId, 500);

    const burst = CUSTOMER_REDEEM_LIMITS.capacity;
    const passed = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(passed).toHaveLength(burst);
    expect(refused).toHaveLength(500 - burst);
    for (const answer of refused) {
      expect(answer.body.error).toBe("rate_limited");
      // The bucket stands a whole refill behind: one more token, one refill from now.
      expect(answer.headers.get("Retry-After")).toBe(String(CUSTOMER_REDEEM_LIMITS.refillEveryMs / 1000));
    }
    expect(discountMutations(shop) - mutationsBefore).toBe(burst);
    expect(await prisma.redemption.count({ where: { shop, memberId } })).toBe(burst);
    expect(await balancesOf(memberId)).toEqual({
      points: 10_000 - burst * 10,
      reserved: 0,
      ledgerAgrees: true,
    });
  });

  it("refills one redeem per interval, and a refused one does not push the refill back", async () => {
    limitWith(limiterOn(redis));
    const { shop, customerId, rewardId } = await shopWithReward("refill");
    await memberWithPoints(shop, customerId, 10_000);
    await hammer(shop, customerId, rewardId, CUSTOMER_REDEEM_LIMITS.capacity + 5);

    clock += CUSTOMER_REDEEM_LIMITS.refillEveryMs;
    const afterOneRefill = await hammer(shop, customerId, rewardId, 3);

    expect(afterOneRefill.map((a) => a.status)).toEqual([200, 429, 429]);
  });

  it("keeps other customers' and other shops' allowances whole while one customer is limited", async () => {
    limitWith(limiterOn(redis));
    const { shop, customerId, rewardId } = await shopWithReward("neighbours");
    await memberWithPoints(shop, customerId, 10_000);
    const other = await connectedShop(standIn, "elsewhere");
    const otherReward = await saveReward(other.shop, amountOff(10, "1.00"));
    if (!otherReward.ok) throw new Error("reward");
    await memberWithPoints(other.shop, other.customerId, 10_000);
    await hammer(shop, customerId, rewardId, 100);

    const neighbour = await customerOf(shop);
    const sameShop = await hammer(shop, neighbour.customerId, rewardId, CUSTOMER_REDEEM_LIMITS.capacity);
    const otherShop = await hammer(other.shop, other.customerId, otherReward.reward.id, 10);

    expect(sameShop.every((a) => a.status === 200)).toBe(true);
    expect(otherShop.every((a) => a.status === 200)).toBe(true);
  });

  it("holds a whole shop to its own burst however many customers share it", async () => {
    limitWith(limiterOn(redis));
    const { shop, rewardId } = await shopWithReward("shop-burst");
    const customers = await Promise.all(Array.from({ length: 5 }, () => customerOf(shop)));

    const answers = (await Promise.all(customers.map((c) => hammer(shop, c.customerId, rewardId, 8)))).flat();

    // 5 × 8 = 40 asked, each customer within their own 10: the shop's 30 decide.
    expect(answers.filter((a) => a.status === 200)).toHaveLength(SHOP_REDEEM_LIMITS.capacity);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(40 - SHOP_REDEEM_LIMITS.capacity);
    expect(refused.every((a) => a.headers.get("Retry-After") === "1")).toBe(true);
    const points = await Promise.all(customers.map((c) => balancesOf(c.memberId)));
    expect(points.reduce((sum, p) => sum + (10_000 - p.points), 0)).toBe(SHOP_REDEEM_LIMITS.capacity * 10);
  });

  it("is one allowance across web processes: two Redis connections share the buckets", async () => {
    const second = new Redis(process.env.REDIS_URL!);
    onTestFinished(() => void second.quit());
    const limiters = [limiterOn(redis), limiterOn(second)];
    let turn = 0;
    limitWith({ take: (caller) => limiters[turn++ % 2]!.take(caller) });
    const { shop, customerId, rewardId } = await shopWithReward("processes");
    await memberWithPoints(shop, customerId, 10_000);

    const answers = await hammer(shop, customerId, rewardId, 40);

    expect(answers.filter((a) => a.status === 200)).toHaveLength(CUSTOMER_REDEEM_LIMITS.capacity);
  });

  it("spends no token on a request refused before the limit: forged or guest requests cannot lock a shopper out", async () => {
    limitWith(limiterOn(redis));
    const { shop, customerId, rewardId } = await shopWithReward("forged");
    await memberWithPoints(shop, customerId, 10_000);
    const forged = await Promise.all(
      Array.from({ length: 50 }, () => redeemCall(shop, customerId, { rewardId, secret: "not-the-secret" })),
    );
    const guests = await Promise.all(Array.from({ length: 50 }, () => redeemCall(shop, null, { rewardId })));

    const real = await hammer(shop, customerId, rewardId, CUSTOMER_REDEEM_LIMITS.capacity);

    expect(new Set(forged.map((a) => a.status))).toEqual(new Set([401]));
    expect(new Set(guests.map((a) => a.body.error))).toEqual(new Set(["guest"]));
    expect(real.every((a) => a.status === 200)).toBe(true);
  });

  it("answers a limited request before reading its body: an oversized one is 429, not 413", async () => {
    limitWith(limiterOn(redis));
    const { shop, customerId, rewardId } = await shopWithReward("body");
    await memberWithPoints(shop, customerId, 10_000);
    await hammer(shop, customerId, rewardId, CUSTOMER_REDEEM_LIMITS.capacity);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
        if (pulled > 100) controller.close();
      },
    });
    const url = signAppProxyUrl({
      secret: process.env.SHOPIFY_API_SECRET!,
      shop,
      url: "https://tally.test/proxy/redeem",
      loggedInCustomerId: customerId.split("/").pop()!,
    });
    const { action } = await import("~/routes/proxy.redeem");

    const response = (await action({
      request: new Request(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit),
      params: {},
      context: {},
    })) as Response;

    expect(response.status).toBe(429);
    // The stream's first pull happens when it is made; nothing past it was asked for.
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("with Redis gone, limits in this process's memory and says so once", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    onTestFinished(() => warnings.mockRestore());
    // Nothing listens on port 1: every command fails at once.
    const gone = new Redis("redis://127.0.0.1:1", {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    gone.on("error", () => {});
    onTestFinished(() => gone.disconnect());
    limitWith(limiterOn(gone));
    const { shop, customerId, rewardId } = await shopWithReward("no-redis");
    const memberId = await memberWithPoints(shop, customerId, 10_000);

    const answers = await hammer(shop, customerId, rewardId, 200);

    expect(answers.filter((a) => a.status === 200)).toHaveLength(CUSTOMER_REDEEM_LIMITS.capacity);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(200 - CUSTOMER_REDEEM_LIMITS.capacity);
    expect((await balancesOf(memberId)).points).toBe(10_000 - CUSTOMER_REDEEM_LIMITS.capacity * 10);
    const reports = warnings.mock.calls.filter(([line]) => String(line).startsWith("[rate-limit]"));
    expect(reports).toHaveLength(1);
    expect(String(reports[0]![0])).toContain("Redis did not answer");
  });

  it("with a Redis that accepts but never answers, waits no longer than its deadline and limits in memory", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    onTestFinished(() => warnings.mockRestore());
    const sockets: Socket[] = [];
    const blackHole = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => {
      sockets.forEach((socket) => socket.destroy());
      blackHole.close();
    });
    const silent = new Redis({
      port: (blackHole.address() as AddressInfo).port,
      host: "127.0.0.1",
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    silent.on("error", () => {});
    onTestFinished(() => silent.disconnect());
    limitWith(createRedeemRateLimiter({ redis: silent, now: () => clock, deadlineMs: 50 }));
    const { shop, customerId, rewardId } = await shopWithReward("silent-redis");
    await memberWithPoints(shop, customerId, 10_000);

    // Were the deadline not kept, the test's own timeout would end this first.
    const answers = await hammer(shop, customerId, rewardId, 60);

    expect(answers.filter((a) => a.status === 200)).toHaveLength(CUSTOMER_REDEEM_LIMITS.capacity);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(60 - CUSTOMER_REDEEM_LIMITS.capacity);
  });
});
