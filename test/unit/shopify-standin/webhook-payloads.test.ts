import { describe, expect, it } from "vitest";

import { manualClock } from "#test/mocks/shopify/clock";
import { normalizeDecimal } from "#test/mocks/shopify/decimal";

import { SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();

interface RestBag {
  shop_money: { amount: string; currency_code: string };
}
interface GraphqlBag {
  shopMoney: { amount: string; currencyCode: string };
}
/** One figure from either API, so REST's "5.00" and GraphQL's "5.0" compare equal. */
const rest = (bag: RestBag) => `${normalizeDecimal(bag.shop_money.amount)} ${bag.shop_money.currency_code}`;
const gql = (bag: GraphqlBag) => `${normalizeDecimal(bag.shopMoney.amount)} ${bag.shopMoney.currencyCode}`;

const MONEY = "shopMoney { amount currencyCode }";

const ORDER = `query {
  orders(first: 1) {
    nodes {
      id name taxesIncluded updatedAt displayFinancialStatus
      customer { id }
      subtotalPriceSet { ${MONEY} }
      totalPriceSet { ${MONEY} }
      totalTaxSet { ${MONEY} }
      lineItems(first: 10) {
        nodes {
          id quantity isGiftCard product { id }
          originalUnitPriceSet { ${MONEY} }
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
      refunds(first: 5) {
        id createdAt
        refundLineItems(first: 10) {
          nodes { lineItem { id product { id } isGiftCard } quantity subtotalSet { ${MONEY} } totalTaxSet { ${MONEY} } }
        }
        refundShippingLines(first: 5) { nodes { subtotalAmountSet { ${MONEY} } } }
      }
    }
  }
}`;

function seedOrder(standIn: ReturnType<typeof harness.fresh>["standIn"]) {
  const customerId = standIn.addCustomer(SHOP, { email: "ada@example.com", firstName: "Ada" });
  const orderId = standIn.addOrder(SHOP, {
    customerId,
    updatedAt: "2026-11-20T10:00:00Z",
    lines: [
      { productId: "gid://shopify/Product/501", quantity: 2, price: "12.50", discount: "2.50", tax: "1.35" },
      { productId: null, price: "30.00", giftCard: true },
    ],
    shippingLines: [{ price: "5.00", discountedPrice: "3.00", tax: "0.18", title: "Post" }],
  });
  return { customerId, orderId };
}

describe("webhook payloads", () => {
  it("builds an orders/paid body that agrees with the GraphQL view of the same order", async () => {
    const { standIn, graphql } = harness.fresh();
    const { orderId } = seedOrder(standIn);

    const payload = standIn.orderWebhookPayload(SHOP, orderId);
    const { body } = await graphql(ORDER);
    const order = body.data.orders.nodes[0];

    expect(payload.admin_graphql_api_id).toBe(order.id);
    expect(payload.customer?.admin_graphql_api_id).toBe(order.customer.id);
    expect(payload.taxes_included).toBe(order.taxesIncluded);
    expect(payload.financial_status).toBe(order.displayFinancialStatus.toLowerCase());
    expect(Date.parse(payload.updated_at)).toBe(Date.parse(order.updatedAt));
    expect([payload.subtotal_price_set, payload.total_price_set, payload.total_tax_set].map(rest)).toEqual(
      [order.subtotalPriceSet, order.totalPriceSet, order.totalTaxSet].map(gql),
    );
    expect(
      payload.line_items.map((line) => ({
        id: line.admin_graphql_api_id,
        productId: line.product_id === null ? null : `gid://shopify/Product/${line.product_id}`,
        giftCard: line.gift_card,
        quantity: line.quantity,
        price: rest(line.price_set),
        discounts: line.discount_allocations.map((a) => rest(a.amount_set)),
        taxes: line.tax_lines.map((t) => [rest(t.price_set), t.rate, t.title]),
      })),
    ).toEqual(
      order.lineItems.nodes.map(
        (line: {
          id: string;
          product: { id: string } | null;
          isGiftCard: boolean;
          quantity: number;
          originalUnitPriceSet: GraphqlBag;
          discountAllocations: { allocatedAmountSet: GraphqlBag }[];
          taxLines: { priceSet: GraphqlBag; rate: number; title: string }[];
        }) => ({
          id: line.id,
          productId: line.product?.id ?? null,
          giftCard: line.isGiftCard,
          quantity: line.quantity,
          price: gql(line.originalUnitPriceSet),
          discounts: line.discountAllocations.map((a) => gql(a.allocatedAmountSet)),
          taxes: line.taxLines.map((t) => [gql(t.priceSet), t.rate, t.title]),
        }),
      ),
    );
    expect(
      payload.shipping_lines.map((s) => [
        rest(s.price_set),
        rest(s.discounted_price_set),
        s.tax_lines.map((t) => rest(t.price_set)),
      ]),
    ).toEqual(
      order.shippingLines.nodes.map(
        (s: {
          originalPriceSet: GraphqlBag;
          discountedPriceSet: GraphqlBag;
          taxLines: { priceSet: GraphqlBag }[];
        }) => [gql(s.originalPriceSet), gql(s.discountedPriceSet), s.taxLines.map((t) => gql(t.priceSet))],
      ),
    );
  });

  it("writes ids, amounts and times the way Shopify's REST JSON does", () => {
    const { standIn } = harness.fresh();
    const { customerId, orderId } = seedOrder(standIn);
    const lineItemId = standIn.order(SHOP, orderId).lines![0]!.id;

    const payload = standIn.orderWebhookPayload(SHOP, orderId);

    expect(payload).toMatchObject({
      id: Number(orderId.split("/").pop()),
      name: "#1001",
      currency: "USD",
      financial_status: "paid",
      fulfillment_status: null,
      updated_at: "2026-11-20T10:00:00+00:00",
      subtotal_price: "52.50",
      subtotal_price_set: {
        shop_money: { amount: "52.50", currency_code: "USD" },
        presentment_money: { amount: "52.50", currency_code: "USD" },
      },
      total_price: "57.03",
      customer: { id: Number(customerId.split("/").pop()), admin_graphql_api_id: customerId },
      refunds: [],
    });
    expect(payload.line_items[0]).toMatchObject({
      id: Number(lineItemId.split("/").pop()),
      admin_graphql_api_id: lineItemId,
      product_id: 501,
      price: "12.50",
      discount_allocations: [{ amount: "2.50" }],
      tax_lines: [{ price: "1.35", rate: 0.06, title: "Tax" }],
    });
    expect(payload.line_items[1]).toMatchObject({ product_id: null, product_exists: false, gift_card: true });
    expect(payload.shipping_lines[0]).toMatchObject({
      title: "Post",
      price: "5.00",
      discounted_price: "3.00",
      discount_allocations: [{ amount: "2.00" }],
    });
    // Every numeric id survives a JSON round trip exactly (the stand-in's ids stay below 2^53).
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it("writes amounts with the currency's own digits", () => {
    const { standIn } = harness.fresh();
    standIn.addShop({ domain: "tokyo.myshopify.com", currencyCode: "JPY" });
    const orderId = standIn.addOrder("tokyo.myshopify.com", { lines: [{ price: "1200" }] });

    const payload = standIn.orderWebhookPayload("tokyo.myshopify.com", orderId);

    expect(payload.line_items[0]!.price).toBe("1200");
    expect(payload.total_price_set.shop_money).toEqual({ amount: "1200", currency_code: "JPY" });
    expect(() => standIn.addOrder("tokyo.myshopify.com", { lines: [{ price: "1200.5" }] })).toThrow(
      /more precision than JPY/,
    );
  });

  it("builds a refunds/create body that agrees with the refund as GraphQL shows it", async () => {
    const clock = manualClock("2026-11-22T12:00:00Z");
    const { standIn, graphql } = harness.fresh({ clock });
    const { orderId } = seedOrder(standIn);
    const [discounted] = standIn.order(SHOP, orderId).lines!;
    const refundId = standIn.addRefund(SHOP, orderId, {
      lines: [{ lineItemId: discounted!.id, quantity: 1, subtotal: "11.25", tax: "0.68" }],
      shipping: { subtotal: "3.00", tax: "0.18" },
    });

    const payload = standIn.refundWebhookPayload(SHOP, refundId);
    const { body } = await graphql(ORDER);
    const refund = body.data.orders.nodes[0].refunds[0];

    expect(payload).toMatchObject({
      id: Number(refundId.split("/").pop()),
      admin_graphql_api_id: refund.id,
      order_id: Number(orderId.split("/").pop()),
      created_at: "2026-11-22T12:00:00+00:00",
      order_adjustments: [],
    });
    expect(Date.parse(payload.created_at)).toBe(Date.parse(refund.createdAt));
    expect(
      payload.refund_line_items.map((item) => ({
        lineItem: item.line_item.admin_graphql_api_id,
        product:
          item.line_item.product_id === null ? null : `gid://shopify/Product/${item.line_item.product_id}`,
        giftCard: item.line_item.gift_card,
        quantity: item.quantity,
        subtotal: rest(item.subtotal_set),
        tax: rest(item.total_tax_set),
      })),
    ).toEqual(
      refund.refundLineItems.nodes.map(
        (item: {
          lineItem: { id: string; product: { id: string } | null; isGiftCard: boolean };
          quantity: number;
          subtotalSet: GraphqlBag;
          totalTaxSet: GraphqlBag;
        }) => ({
          lineItem: item.lineItem.id,
          product: item.lineItem.product?.id ?? null,
          giftCard: item.lineItem.isGiftCard,
          quantity: item.quantity,
          subtotal: gql(item.subtotalSet),
          tax: gql(item.totalTaxSet),
        }),
      ),
    );
    // Shopify sends a refunded line's subtotal and tax as JSON numbers too.
    expect(payload.refund_line_items[0]).toMatchObject({ subtotal: 11.25, total_tax: 0.68 });
    expect(payload.refund_shipping_lines.map((s) => rest(s.subtotal_amount_set))).toEqual(
      refund.refundShippingLines.nodes.map((s: { subtotalAmountSet: GraphqlBag }) =>
        gql(s.subtotalAmountSet),
      ),
    );
    expect(Object.keys(payload.refund_shipping_lines[0]!).sort()).toEqual([
      "id",
      "shipping_line",
      "shipping_line_id",
      "subtotal_amount_set",
    ]);
  });

  it("shows a refund in the order's next payload, with the status and time it moved the order to", () => {
    const clock = manualClock("2026-11-22T12:00:00Z");
    const { standIn } = harness.fresh({ clock });
    const { orderId } = seedOrder(standIn);
    const [, giftCard] = standIn.order(SHOP, orderId).lines!;

    const refundId = standIn.addRefund(SHOP, orderId, {
      lines: [{ lineItemId: giftCard!.id, subtotal: "30.00" }],
    });
    const payload = standIn.orderWebhookPayload(SHOP, orderId);

    expect(payload).toMatchObject({
      financial_status: "partially_refunded",
      updated_at: "2026-11-22T12:00:00+00:00",
      current_subtotal_price: "22.50",
      current_total_price: "27.03",
      refunds: [{ admin_graphql_api_id: refundId }],
    });
    expect(payload.line_items.map((line) => line.current_quantity)).toEqual([2, 0]);
  });

  it("refuses to build a payload for a refund it does not have", () => {
    const { standIn } = harness.fresh();

    expect(() => standIn.refundWebhookPayload(SHOP, "gid://shopify/Refund/1")).toThrow(/No refund/);
  });
});
