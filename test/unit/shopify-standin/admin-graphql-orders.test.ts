import { describe, expect, it } from "vitest";

import { SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();

const ORDERS = `query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    edges { cursor node { id name updatedAt displayFinancialStatus cancelledAt customer { id } currentSubtotalPriceSet { shopMoney { amount currencyCode } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe("orders", () => {
  it("pages through orders updated since a time, in updated_at order, with cursors", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    standIn.addOrder(SHOP, { updatedAt: "2026-11-01T00:00:00Z", subtotalPrice: "10.00" });
    const ids = ["2026-11-20T03:00:00Z", "2026-11-20T01:00:00Z", "2026-11-20T02:00:00Z"].map((updatedAt) =>
      standIn.addOrder(SHOP, { updatedAt, customerId, subtotalPrice: "40.00" }),
    );

    const page1 = await graphql(ORDERS, { first: 2, query: "updated_at:>='2026-11-20T00:00:00Z'" });
    const page2 = await graphql(ORDERS, {
      first: 2,
      after: page1.body.data.orders.pageInfo.endCursor,
      query: "updated_at:>='2026-11-20T00:00:00Z'",
    });

    const idsOf = (page: typeof page1) =>
      page.body.data.orders.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(idsOf(page1)).toEqual([ids[1], ids[2]]);
    expect(page1.body.data.orders.pageInfo.hasNextPage).toBe(true);
    expect(idsOf(page2)).toEqual([ids[0]]);
    expect(page2.body.data.orders.pageInfo.hasNextPage).toBe(false);
    expect(page2.body.data.orders.edges[0].node).toMatchObject({
      displayFinancialStatus: "PAID",
      cancelledAt: null,
      customer: { id: customerId },
      currentSubtotalPriceSet: { shopMoney: { amount: "40.0", currencyCode: "USD" } },
    });
  });

  it("sees an order again after it is updated, as a reconciliation job expects", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addOrder(SHOP, { updatedAt: "2026-11-01T00:00:00Z" });

    standIn.updateOrder(SHOP, id, { cancelledAt: "2026-11-21T00:00:00Z", updatedAt: "2026-11-21T00:00:00Z" });
    const { body } = await graphql(ORDERS, { first: 10, query: "updated_at:>=2026-11-20" });

    expect(body.data.orders.edges.map((e: { node: { cancelledAt: string } }) => e.node.cancelledAt)).toEqual([
      "2026-11-21T00:00:00Z",
    ]);
  });

  it("refuses a search term it cannot honour rather than returning unfiltered orders", async () => {
    const { graphql } = harness.fresh();

    const { body } = await graphql(ORDERS, { first: 10, query: "tag:vip" });

    expect(body.errors[0].extensions.code).toBe("NOT_IMPLEMENTED_BY_STAND_IN");
  });

  it("requires first or last, as Shopify does", async () => {
    const { graphql } = harness.fresh();

    const { body } = await graphql("{ orders { nodes { id } } }");

    expect(body.errors[0].message).toBe("you must provide one of first or last");
  });

  it("reads one order by id, answers null for an unknown one and refuses a malformed id", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addOrder(SHOP, { subtotalPrice: "12.00" });
    const ORDER = `query Order($id: ID!) { order(id: $id) { id subtotalPriceSet { shopMoney { amount } } } }`;

    const found = await graphql(ORDER, { id });
    const missing = await graphql(ORDER, { id: "gid://shopify/Order/999999" });
    const malformed = await graphql(ORDER, { id: "12" });

    expect(found.body.data.order).toEqual({ id, subtotalPriceSet: { shopMoney: { amount: "12.0" } } });
    expect(missing.body.data.order).toBeNull();
    expect(malformed.body.errors[0].message).toBe("Invalid global id '12'");
  });
});
