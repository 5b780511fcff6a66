import { describe, expect, it } from "vitest";

import { manualClock } from "#test/mocks/shopify/clock";

import { SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();

const MONEY = "shopMoney { amount currencyCode }";

const ORDER_CONTENTS = `query Order($first: Int!, $query: String) {
  orders(first: $first, query: $query) {
    nodes {
      id
      taxesIncluded
      displayFulfillmentStatus
      displayFinancialStatus
      subtotalPriceSet { ${MONEY} }
      totalDiscountsSet { ${MONEY} }
      totalTaxSet { ${MONEY} }
      totalShippingPriceSet { ${MONEY} }
      totalPriceSet { ${MONEY} }
      lineItems(first: 10) {
        nodes {
          id
          quantity
          isGiftCard
          product { id }
          originalUnitPriceSet { ${MONEY} }
          discountedTotalSet { ${MONEY} }
          discountAllocations { allocatedAmountSet { ${MONEY} } }
          taxLines { priceSet { ${MONEY} } rate title }
        }
      }
      shippingLines(first: 5) {
        nodes {
          originalPriceSet { ${MONEY} }
          discountedPriceSet { ${MONEY} }
          taxLines { priceSet { ${MONEY} } }
        }
      }
    }
  }
}`;

const REFUNDS = `query Refunds($query: String) {
  orders(first: 2, query: $query) {
    nodes {
      id
      updatedAt
      displayFinancialStatus
      totalRefundedSet { ${MONEY} }
      currentSubtotalPriceSet { ${MONEY} }
      currentTotalPriceSet { ${MONEY} }
      refunds(first: 3) {
        id
        createdAt
        totalRefundedSet { ${MONEY} }
        refundLineItems(first: 5) {
          nodes {
            lineItem { id product { id } isGiftCard }
            quantity
            subtotalSet { ${MONEY} }
            totalTaxSet { ${MONEY} }
          }
        }
        refundShippingLines(first: 2) {
          nodes { subtotalAmountSet { ${MONEY} } taxAmountSet { ${MONEY} } }
        }
      }
    }
  }
}`;

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

describe("order line items, shipping lines and refunds", () => {
  it("answers the seeded lines, shipping and taxes, and order totals derived from them", async () => {
    const { standIn, graphql } = harness.fresh();
    const productId = "gid://shopify/Product/777";
    const orderId = standIn.addOrder(SHOP, {
      lines: [
        { productId, quantity: 2, price: "25.00", discount: "5.00", tax: "2.70", taxRate: 0.06 },
        { productId: null, price: "50.00", giftCard: true },
      ],
      shippingLines: [{ price: "10.00", discountedPrice: "4.00", tax: "0.24", taxRate: 0.06 }],
    });
    const lineIds = standIn.order(SHOP, orderId).lines!.map((line) => line.id);

    const { body } = await graphql(ORDER_CONTENTS, { first: 1 });

    expect(body.errors).toBeUndefined();
    const order = body.data.orders.nodes[0];
    expect(order).toMatchObject({
      id: orderId,
      taxesIncluded: false,
      displayFulfillmentStatus: "UNFULFILLED",
      subtotalPriceSet: usd("95.0"),
      totalDiscountsSet: usd("11.0"),
      totalTaxSet: usd("2.94"),
      totalShippingPriceSet: usd("10.0"),
      totalPriceSet: usd("101.94"),
    });
    expect(order.lineItems.nodes).toEqual([
      {
        id: lineIds[0],
        quantity: 2,
        isGiftCard: false,
        product: { id: productId },
        originalUnitPriceSet: usd("25.0"),
        // The 5.00 comes from an order-level discount, which Shopify leaves out of this total.
        discountedTotalSet: usd("50.0"),
        discountAllocations: [{ allocatedAmountSet: usd("5.0") }],
        taxLines: [{ priceSet: usd("2.7"), rate: 0.06, title: "Tax" }],
      },
      {
        id: lineIds[1],
        quantity: 1,
        isGiftCard: true,
        product: null,
        originalUnitPriceSet: usd("50.0"),
        discountedTotalSet: usd("50.0"),
        discountAllocations: [],
        taxLines: [],
      },
    ]);
    expect(order.shippingLines.nodes).toEqual([
      {
        originalPriceSet: usd("10.0"),
        discountedPriceSet: usd("4.0"),
        taxLines: [{ priceSet: usd("0.24") }],
      },
    ]);
  });

  it("subtracts an automatic product discount from discountedTotalSet, unlike an order-level one", async () => {
    const { standIn, graphql } = harness.fresh();
    standIn.addOrder(SHOP, { lines: [{ price: "40.00", lineDiscount: "10.00", discount: "3.00" }] });

    const { body } = await graphql(`{
      orders(first: 1) { nodes { lineItems(first: 1) { nodes {
        discountedTotalSet { ${MONEY} }
        discountAllocations { allocatedAmountSet { ${MONEY} } }
      } } } }
    }`);

    expect(body.data.orders.nodes[0].lineItems.nodes[0]).toEqual({
      discountedTotalSet: usd("30.0"),
      discountAllocations: [{ allocatedAmountSet: usd("3.0") }, { allocatedAmountSet: usd("10.0") }],
    });
  });

  it("adds no tax on top of the subtotal when prices include tax", async () => {
    const { standIn, graphql } = harness.fresh();
    standIn.addOrder(SHOP, {
      taxesIncluded: true,
      lines: [{ price: "120.00", tax: "20.00" }],
      shippingLines: [{ price: "6.00", tax: "1.00" }],
    });

    const { body } = await graphql(ORDER_CONTENTS, { first: 1 });

    const order = body.data.orders.nodes[0];
    expect(order).toMatchObject({
      taxesIncluded: true,
      subtotalPriceSet: usd("120.0"),
      totalTaxSet: usd("21.0"),
      totalPriceSet: usd("126.0"),
    });
    expect(order.lineItems.nodes[0].taxLines).toEqual([{ priceSet: usd("20.0"), rate: 0.2, title: "Tax" }]);
  });

  it("pages through an order's line items with cursors", async () => {
    const { standIn, graphql } = harness.fresh();
    const orderId = standIn.addOrder(SHOP, {
      lines: ["1.00", "2.00", "3.00", "4.00", "5.00"].map((price) => ({ price })),
    });
    const lineIds = standIn.order(SHOP, orderId).lines!.map((line) => line.id);
    const PAGE = `query ($after: String) {
      orders(first: 1) { nodes { lineItems(first: 2, after: $after) {
        nodes { id } pageInfo { hasNextPage endCursor }
      } } }
    }`;

    const pages: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } }[] = [];
    let after: string | null = null;
    do {
      const { body } = await graphql(PAGE, { after });
      const page = body.data.orders.nodes[0].lineItems;
      pages.push(page);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);

    expect(pages.map((page) => page.nodes.map((node) => node.id))).toEqual([
      lineIds.slice(0, 2),
      lineIds.slice(2, 4),
      lineIds.slice(4),
    ]);
  });

  it("reports a fulfilled order as FULFILLED and sees it again as updated", async () => {
    const clock = manualClock("2026-11-20T00:00:00Z");
    const { standIn, graphql } = harness.fresh({ clock });
    const orderId = standIn.addOrder(SHOP, { lines: [{ price: "10.00" }] });
    clock.advance(3_600_000);

    standIn.updateOrder(SHOP, orderId, { fulfilled: true });
    const { body } = await graphql(`
      {
        orders(first: 5, query: "updated_at:>=2026-11-20T00:30:00Z") {
          nodes {
            id
            displayFulfillmentStatus
          }
        }
      }
    `);

    expect(body.data.orders.nodes).toEqual([{ id: orderId, displayFulfillmentStatus: "FULFILLED" }]);
  });

  it("refuses line-level questions about an order seeded without lines instead of answering empty", async () => {
    const { standIn, graphql } = harness.fresh();
    const orderId = standIn.addOrder(SHOP, { subtotalPrice: "40.00" });

    const { body } = await graphql(`
      {
        orders(first: 1) {
          nodes {
            id
            lineItems(first: 5) {
              nodes {
                id
              }
            }
          }
        }
      }
    `);

    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ["orders", "nodes", 0, "lineItems"],
        extensions: { code: "NOT_IMPLEMENTED_BY_STAND_IN" },
      }),
    ]);
    expect(() => standIn.orderWebhookPayload(SHOP, orderId)).toThrow(/seeded without lines/);
  });

  it("still refuses unknown, deprecated and unmodelled line item fields", async () => {
    const { standIn, graphql } = harness.fresh();
    standIn.addOrder(SHOP, { lines: [{ price: "10.00", discount: "1.00" }] });
    const ask = (field: string) =>
      graphql(`{ orders(first: 1) { nodes { lineItems(first: 1) { nodes { id ${field} } } } } }`);

    const unknown = await ask("loyaltyPoints");
    const deprecated = await ask("originalUnitPrice");
    const unmodelled = await ask("sku");
    const unmodelledApplication = await ask("discountAllocations { discountApplication { index } }");

    expect(unknown.body.errors[0].extensions.code).toBe("undefinedField");
    expect(deprecated.body.errors[0].extensions.code).toBe("DEPRECATED");
    expect(unmodelled.body.errors[0]).toMatchObject({
      message: "The Shopify stand-in does not implement LineItem.sku",
      extensions: { code: "NOT_IMPLEMENTED_BY_STAND_IN" },
    });
    expect(unmodelledApplication.body.errors[0].message).toBe(
      "The Shopify stand-in does not implement DiscountAllocation.discountApplication",
    );
  });
});

describe("refunds", () => {
  it("bumps updatedAt and the financial status, so an updated_at search finds the order again", async () => {
    const clock = manualClock("2026-11-20T00:00:00Z");
    const { standIn, graphql } = harness.fresh({ clock });
    const orderId = standIn.addOrder(SHOP, {
      lines: [
        { price: "30.00", tax: "3.00" },
        { price: "20.00", quantity: 2 },
      ],
      shippingLines: [{ price: "5.00", tax: "0.50" }],
    });
    const [first, second] = standIn.order(SHOP, orderId).lines!;
    const since = { query: "updated_at:>='2026-11-21T00:00:00Z'" };
    const before = await graphql(REFUNDS, since);

    const partial = standIn.addRefund(SHOP, orderId, {
      lines: [{ lineItemId: first!.id, subtotal: "30.00", tax: "3.00" }],
      shipping: { subtotal: "5.00", tax: "0.50" },
      createdAt: "2026-11-22T09:00:00Z",
    });
    const afterPartial = await graphql(REFUNDS, since);
    clock.set("2026-11-23T09:00:00Z");
    standIn.addRefund(SHOP, orderId, { lines: [{ lineItemId: second!.id, subtotal: "40.00" }] });
    const afterFull = await graphql(REFUNDS, since);

    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.orders.nodes).toEqual([]);
    const order = afterPartial.body.data.orders.nodes[0];
    expect(order).toMatchObject({
      id: orderId,
      updatedAt: "2026-11-22T09:00:00Z",
      displayFinancialStatus: "PARTIALLY_REFUNDED",
      totalRefundedSet: usd("38.5"),
      currentSubtotalPriceSet: usd("40.0"),
      currentTotalPriceSet: usd("40.0"),
    });
    expect(order.refunds).toEqual([
      {
        id: partial,
        createdAt: "2026-11-22T09:00:00Z",
        totalRefundedSet: usd("38.5"),
        refundLineItems: {
          nodes: [
            {
              lineItem: { id: first!.id, product: { id: first!.productId }, isGiftCard: false },
              quantity: 1,
              subtotalSet: usd("30.0"),
              totalTaxSet: usd("3.0"),
            },
          ],
        },
        refundShippingLines: { nodes: [{ subtotalAmountSet: usd("5.0"), taxAmountSet: usd("0.5") }] },
      },
    ]);
    expect(afterFull.body.data.orders.nodes[0]).toMatchObject({
      updatedAt: "2026-11-23T09:00:00Z",
      displayFinancialStatus: "REFUNDED",
      totalRefundedSet: usd("78.5"),
      currentTotalPriceSet: usd("0.0"),
    });
    expect(afterFull.body.data.orders.nodes[0].refunds[1].refundLineItems.nodes[0].quantity).toBe(2);
  });

  it("refuses a refund Shopify would refuse, leaving the order untouched", () => {
    const { standIn } = harness.fresh();
    const orderId = standIn.addOrder(SHOP, { lines: [{ price: "10.00", quantity: 2 }] });
    const lineItemId = standIn.order(SHOP, orderId).lines![0]!.id;
    const unpaid = standIn.addOrder(SHOP, { financialStatus: "PENDING", lines: [{ price: "10.00" }] });

    expect(() =>
      standIn.addRefund(SHOP, orderId, {
        lines: [{ lineItemId: "gid://shopify/LineItem/999999", subtotal: "1.00" }],
      }),
    ).toThrow(/is not a line item of order/);
    expect(() =>
      standIn.addRefund(SHOP, orderId, { lines: [{ lineItemId, quantity: 3, subtotal: "10.00" }] }),
    ).toThrow(/cannot refund 3/);
    expect(() => standIn.addRefund(SHOP, orderId, { lines: [{ lineItemId, subtotal: "25.00" }] })).toThrow(
      /exceed/,
    );
    expect(() => standIn.addRefund(SHOP, orderId, { shipping: { subtotal: "1.00" } })).toThrow(
      /no shipping line/,
    );
    expect(() => standIn.addRefund(SHOP, orderId, { lines: [{ lineItemId, subtotal: "1.005" }] })).toThrow(
      /more precision than USD/,
    );
    expect(() =>
      standIn.addRefund(SHOP, unpaid, {
        lines: [{ lineItemId: standIn.order(SHOP, unpaid).lines![0]!.id, subtotal: "10.00" }],
      }),
    ).toThrow(/PENDING/);
    expect(standIn.order(SHOP, orderId)).toMatchObject({
      refunds: [],
      totalRefunded: "0.0",
      displayFinancialStatus: "PAID",
    });
  });
});

describe("query cost of an order's contents", () => {
  const LINES = `query ($orders: Int!) {
    orders(first: $orders) { nodes { id lineItems(first: 20) { nodes { id quantity } } } }
  }`;

  it("charges nested connections per parent node, as Shopify does", async () => {
    const { standIn, graphql } = harness.fresh();
    standIn.addOrder(SHOP, { lines: [{ price: "1.00" }, { price: "2.00" }, { price: "3.00" }] });
    standIn.addOrder(SHOP, { lines: [{ price: "4.00" }] });

    const fits = await graphql(LINES, { orders: 10 });
    const tooBig = await graphql(LINES, { orders: 50 });

    // Per order: 1 for the order, 2 + 20 × 1 for its lineItems page.
    expect(fits.body.extensions.cost).toMatchObject({
      requestedQueryCost: 2 + 10 * (1 + 2 + 20),
      actualQueryCost: 2 + (1 + 2 + 3) + (1 + 2 + 1),
    });
    expect(tooBig.body.errors[0]).toMatchObject({
      extensions: { code: "MAX_COST_EXCEEDED", cost: 2 + 50 * (1 + 2 + 20) },
    });
  });

  it("sizes the refunds list by its first argument", async () => {
    const { standIn, graphql } = harness.fresh();
    standIn.addOrder(SHOP, { lines: [{ price: "1.00" }] });

    const { body } = await graphql(`
      {
        orders(first: 1) {
          nodes {
            refunds(first: 5) {
              id
            }
          }
        }
      }
    `);

    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 2 + 1 * (1 + 5), actualQueryCost: 3 });
  });
});
