import { describe, expect, it } from "vitest";

import { manualClock } from "#test/mocks/shopify/clock";

import { SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();

const TAGS_ADD = `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }`;

const THROTTLED = {
  message: "Throttled",
  extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
};

describe("query cost", () => {
  it("charges connections by page size up front and refunds down to what was returned", async () => {
    const clock = manualClock();
    const { standIn, graphql } = harness.fresh({ clock });
    const customerId = standIn.addCustomer(SHOP);
    standIn.addOrder(SHOP, { customerId });
    standIn.addOrder(SHOP);
    standIn.addOrder(SHOP);

    const { body } = await graphql("{ orders(first: 10) { edges { node { id customer { id } } } } }");

    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 22,
      actualQueryCost: 6,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1994, restoreRate: 100 },
    });
  });

  it("charges each mutation 10 points", async () => {
    const { standIn, graphql } = harness.fresh({ clock: manualClock() });
    const id = standIn.addCustomer(SHOP);

    const { body } = await graphql(TAGS_ADD, { id, tags: ["a"] });

    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("refuses a single query costing more than 1000 points with MAX_COST_EXCEEDED", async () => {
    const { graphql } = harness.fresh({ clock: manualClock() });

    const { body } = await graphql(
      "{ orders(first: 250) { nodes { id customer { id } lineItems(first: 50) { nodes { id } } } } }",
    );

    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
  });
});

describe("leaky bucket", () => {
  it("answers THROTTLED with HTTP 200 when the bucket lacks the cost, without executing", async () => {
    const clock = manualClock();
    const { standIn, graphql } = harness.fresh({ clock, bucket: { maximumAvailable: 25, restoreRate: 5 } });
    const id = standIn.addCustomer(SHOP);

    await graphql(TAGS_ADD, { id, tags: ["one"] });
    await graphql(TAGS_ADD, { id, tags: ["two"] });
    const throttled = await graphql(TAGS_ADD, { id, tags: ["three"] });

    expect(throttled).toEqual({
      status: 200,
      body: {
        errors: [THROTTLED],
        extensions: {
          cost: {
            requestedQueryCost: 10,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 25, currentlyAvailable: 5, restoreRate: 5 },
          },
        },
      },
    });
    expect(standIn.customer(SHOP, id)?.tags).toEqual(["one", "two"]);
    expect(standIn.graphqlRequests(SHOP).map((r) => r.outcome)).toEqual(["ok", "ok", "throttled"]);
  });

  it("recovers once the restore rate has refilled enough points", async () => {
    const clock = manualClock();
    const { standIn, graphql } = harness.fresh({ clock, bucket: { maximumAvailable: 25, restoreRate: 5 } });
    const id = standIn.addCustomer(SHOP);
    await graphql(TAGS_ADD, { id, tags: ["one"] });
    await graphql(TAGS_ADD, { id, tags: ["two"] });

    clock.advance(999);
    const tooSoon = await graphql(TAGS_ADD, { id, tags: ["three"] });
    clock.advance(1);
    const recovered = await graphql(TAGS_ADD, { id, tags: ["three"] });

    expect(tooSoon.body.errors).toEqual([THROTTLED]);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(0);
    expect(standIn.customer(SHOP, id)?.tags).toEqual(["one", "three", "two"]);
  });

  it("keeps one bucket per shop", async () => {
    const clock = manualClock();
    const { standIn, graphql } = harness.fresh({ clock });
    standIn.bucket(SHOP).drain();
    standIn.addShop({ domain: "second.myshopify.com" });

    const drained = await graphql("{ shop { id } }");

    expect(drained.body.errors).toEqual([THROTTLED]);
    expect(standIn.bucket("second.myshopify.com").status().currentlyAvailable).toBe(2000);
  });
});

describe("injected failures", () => {
  it("forces the next N requests to be THROTTLED, then serves normally", async () => {
    const { standIn, graphql } = harness.fresh();
    standIn.failNext("THROTTLED", 2);

    const responses = [
      await graphql("{ shop { id } }"),
      await graphql("{ shop { id } }"),
      await graphql("{ shop { id } }"),
    ];

    expect(responses.map((r) => r.body.errors?.[0]?.extensions.code ?? "ok")).toEqual([
      "THROTTLED",
      "THROTTLED",
      "ok",
    ]);
    expect(responses[0]!.body.extensions.cost.actualQueryCost).toBeNull();
  });

  it("forces HTTP 5xx responses, then serves normally", async () => {
    const { standIn, graphql } = harness.fresh();
    standIn.failNext(503);
    standIn.failNext(500);

    const statuses = [
      (await graphql("{ shop { id } }")).status,
      (await graphql("{ shop { id } }")).status,
      (await graphql("{ shop { id } }")).status,
    ];

    expect(statuses).toEqual([503, 500, 200]);
    expect(standIn.graphqlRequests(SHOP).map((r) => r.outcome)).toEqual([
      "injected-failure",
      "injected-failure",
      "ok",
    ]);
  });
});
