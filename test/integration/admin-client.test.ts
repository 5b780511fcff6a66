import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import {
  adminClientForShop,
  AdminApiRetriesExhaustedError,
  createAdminClient,
  isPermanentAdminError,
  requireNoUserErrors,
  ShopifyUserError,
  ShopNotConnectedError,
  type AdminClientOptions,
  type UserError,
} from "~/services/admin-client.server";
import { AdminApiError } from "~/services/admin-graphql.server";
import { manualClock } from "#test/mocks/shopify/clock";
import { setupShopifyStandIn } from "#test/mocks/shopify/setup-server";
import { uniqueShop } from "#test/support/shops";

// The client's sleeps move the stand-in's clock, so its bucket refills by
// exactly what the client waited and nothing waits for real. A small bucket
// (25 points, 5 a second) lets two 10-point mutations drain it.
const clock = manualClock();
const shopify = setupShopifyStandIn({
  apiKey: process.env.SHOPIFY_API_KEY!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
  options: { clock, bucket: { maximumAvailable: 25, restoreRate: 5 } },
});
const { standIn } = shopify;

beforeAll(() => shopify.listen());
// A test that fails early must not leave injected failures for the next one.
afterEach(() => {
  while (standIn.takeInjectedFailure() !== undefined);
});
afterAll(() => shopify.close());

const SHOP_CURRENCY = `query ShopCurrency { shop { currencyCode } }`;
const TAGS_ADD = `mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { userErrors { field message } }
}`;
const TAGS_REMOVE = `mutation TagsRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) { userErrors { field message } }
}`;

type TagsAdd = { tagsAdd: { userErrors: UserError[] } };

/** A shop on the stand-in and a client with its offline token; `random: 0` makes backoff the lower bound. */
function connectedShop(overrides: Partial<AdminClientOptions> = {}) {
  const shop = uniqueShop("admin-client");
  standIn.addShop({ domain: shop, currencyCode: "EUR" });
  const { token } = standIn.issueToken(shop, { kind: "offline", expiring: false });
  const sleeps: number[] = [];
  const options: AdminClientOptions = {
    shop,
    accessToken: token,
    now: clock.now,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    ...overrides,
  };
  return {
    shop,
    token,
    sleeps,
    options,
    client: createAdminClient(options),
    outcomes: () => standIn.graphqlRequests(shop).map((r) => r.outcome),
  };
}

describe("requests", () => {
  it("a query returns the shop's data, sent once over the shop's token and API version", async () => {
    const { client, shop, sleeps } = connectedShop();

    const data = await client.request(SHOP_CURRENCY);

    expect(data).toEqual({ shop: { currencyCode: "EUR" } });
    expect(standIn.graphqlRequests(shop)).toMatchObject([
      { apiVersion: "2026-10", operationName: "ShopCurrency", outcome: "ok" },
    ]);
    expect(sleeps).toEqual([]);
  });

  it("variables reach Shopify", async () => {
    const { client, shop } = connectedShop();
    const id = standIn.addCustomer(shop);

    await client.request<TagsAdd>(TAGS_ADD, { id, tags: ["vip"] });

    expect(standIn.customer(shop, id)?.tags).toEqual(["vip"]);
  });
});

describe("retries", () => {
  it("THROTTLED twice, then the answer: retried with a doubling backoff", async () => {
    const { client, sleeps, outcomes } = connectedShop();
    standIn.failNext("THROTTLED", 2);

    const data = await client.request(SHOP_CURRENCY);

    expect(data).toEqual({ shop: { currencyCode: "EUR" } });
    expect(outcomes()).toEqual(["throttled", "throttled", "ok"]);
    // The bucket reported room, so nothing but backoff explains the throttle: 250 ms, then 500,
    // each at its lower bound (half) with random() = 0.
    expect(sleeps).toEqual([125, 250]);
  });

  it("a throttle the bucket explains waits for exactly the refill it needs", async () => {
    const { client, shop, sleeps, outcomes } = connectedShop();
    standIn.bucket(shop).drain();

    await client.request(SHOP_CURRENCY);

    // The query costs 1 point; at 5 points a second that is 200 ms.
    expect(outcomes()).toEqual(["throttled", "ok"]);
    expect(sleeps).toEqual([200]);
  });

  it("a 502 is retried after a backoff", async () => {
    const { client, sleeps, outcomes } = connectedShop();
    standIn.failNext(502);

    const data = await client.request(SHOP_CURRENCY);

    expect(data).toEqual({ shop: { currencyCode: "EUR" } });
    expect(outcomes()).toEqual(["injected-failure", "ok"]);
    expect(sleeps).toEqual([125]);
  });

  it("a network error is retried after a backoff", async () => {
    let calls = 0;
    const { client, sleeps, outcomes } = connectedShop({
      fetch: (input, init) => {
        calls += 1;
        if (calls === 1) return Promise.reject(new TypeError("fetch failed"));
        return globalThis.fetch(input, init);
      },
    });

    await client.request(SHOP_CURRENCY);

    expect(calls).toBe(2);
    expect(outcomes()).toEqual(["ok"]);
    expect(sleeps).toEqual([125]);
  });

  it("gives up after six attempts, saying how many and why", async () => {
    const { client, sleeps, outcomes } = connectedShop();
    standIn.failNext(503, 6);

    const failure = await client.request(SHOP_CURRENCY).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AdminApiRetriesExhaustedError);
    expect((failure as Error).message).toMatch(/failed after 6 attempts; last: HTTP 503$/);
    expect(isPermanentAdminError(failure)).toBe(false);
    expect(outcomes()).toHaveLength(6);
    expect(sleeps).toEqual([125, 250, 500, 1000, 2000]);
  });

  it("the number of attempts is the caller's to choose", async () => {
    const { client, outcomes } = connectedShop({ retry: { attempts: 2 } });
    standIn.failNext("THROTTLED", 2);

    await expect(client.request(SHOP_CURRENCY)).rejects.toThrow(/after 2 attempts; last: THROTTLED/);
    expect(outcomes()).toEqual(["throttled", "throttled"]);
  });
});

describe("pacing by query cost", () => {
  it("a drained bucket makes the client wait for the refill before sending, instead of being throttled", async () => {
    const { client, shop, sleeps, options, outcomes } = connectedShop();
    const id = standIn.addCustomer(shop);
    await client.request<TagsAdd>(TAGS_ADD, { id, tags: ["one"] });
    await client.request<TagsAdd>(TAGS_ADD, { id, tags: ["two"] });

    // 5 of 25 points left; a second client of the same shop knows it too.
    await createAdminClient(options).request<TagsAdd>(TAGS_ADD, { id, tags: ["three"] });

    expect(outcomes()).toEqual(["ok", "ok", "ok"]);
    // The mutation costs 10: 5 missing points at 5 a second.
    expect(sleeps).toEqual([1000]);
    const [, second, third] = standIn.graphqlRequests(shop);
    expect(third!.at - second!.at).toBe(1000);
  });

  it("a caller's expected cost paces a document the client has not seen yet", async () => {
    const { client, shop, sleeps, outcomes } = connectedShop();
    const id = standIn.addCustomer(shop);
    await client.request<TagsAdd>(TAGS_ADD, { id, tags: ["one"] });
    await client.request<TagsAdd>(TAGS_ADD, { id, tags: ["two"] });

    await client.request(TAGS_REMOVE, { id, tags: ["one"] }, { expectedCost: 10 });

    expect(outcomes()).toEqual(["ok", "ok", "ok"]);
    expect(sleeps).toEqual([1000]);
  });
});

describe("permanent failures", () => {
  it("a document Shopify's schema refuses is an AdminApiError, sent once", async () => {
    const { client, sleeps, outcomes } = connectedShop();

    const failure = await client.request(`{ shop { loyaltyPoints } }`).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AdminApiError);
    expect((failure as AdminApiError).details).toMatchObject([{ extensions: { code: "undefinedField" } }]);
    expect(isPermanentAdminError(failure)).toBe(true);
    expect(outcomes()).toEqual(["invalid-document"]);
    expect(sleeps).toEqual([]);
  });

  it("a revoked token is an AdminApiError, sent once", async () => {
    const { client, token, sleeps, outcomes } = connectedShop();
    standIn.revokeToken(token);

    const failure = await client.request(SHOP_CURRENCY).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AdminApiError);
    expect((failure as Error).message).toMatch(/HTTP 401/);
    expect(isPermanentAdminError(failure)).toBe(true);
    expect(outcomes()).toEqual(["unauthorized"]);
    expect(sleeps).toEqual([]);
  });

  it("userErrors become a ShopifyUserError carrying Shopify's messages", async () => {
    const { client } = connectedShop();
    const missing = "gid://shopify/Customer/987654321";

    const data = await client.request<TagsAdd>(TAGS_ADD, { id: missing, tags: ["vip"] });
    const failure = (() => {
      try {
        requireNoUserErrors(data.tagsAdd, "tagsAdd");
      } catch (error) {
        return error;
      }
    })();

    expect(failure).toBeInstanceOf(ShopifyUserError);
    expect((failure as ShopifyUserError).userErrors).toEqual([
      { field: ["id"], message: "Customer does not exist" },
    ]);
    expect((failure as Error).message).toBe("tagsAdd was refused: id: Customer does not exist");
    expect(isPermanentAdminError(failure)).toBe(true);
  });

  it("a payload without userErrors passes through", () => {
    const payload = { customer: { id: "gid://shopify/Customer/1" }, userErrors: [] };

    expect(requireNoUserErrors(payload, "customerUpdate")).toBe(payload);
  });
});

describe("adminClientForShop", () => {
  it("talks to Shopify with the offline token stored at install", async () => {
    const shop = uniqueShop("stored-session");
    standIn.addShop({ domain: shop, currencyCode: "JPY" });
    const { token } = standIn.issueToken(shop, { kind: "offline", expiring: false });
    await prisma.session.create({
      data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: token },
    });

    const client = await adminClientForShop(shop);

    expect(await client.request(SHOP_CURRENCY)).toEqual({ shop: { currencyCode: "JPY" } });
    expect(standIn.graphqlRequests(shop).map((r) => r.outcome)).toEqual(["ok"]);
  });

  it("a shop without an offline session is not connected", async () => {
    const failure = await adminClientForShop(uniqueShop("never-installed")).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ShopNotConnectedError);
    expect(isPermanentAdminError(failure)).toBe(true);
  });
});
