// Plain-data refunds/create payloads, shaped like Shopify's 2026-07 example.

export interface RefundSpec {
  refundId: number;
  orderId: number;
  currency?: string;
  lines?: Array<{
    subtotal: string;
    tax?: string;
    lineIndex?: number;
    productId?: number;
    giftCard?: boolean;
  }>;
  shipping?: string;
}

const bag = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

export function refundPayload(spec: RefundSpec) {
  const currency = spec.currency ?? "USD";
  return {
    id: spec.refundId,
    admin_graphql_api_id: `gid://shopify/Refund/${spec.refundId}`,
    order_id: spec.orderId,
    note: "Things were damaged",
    restock: false,
    refund_line_items: (spec.lines ?? []).map((line, i) => ({
      id: 900 + i,
      quantity: 1,
      subtotal: Number(line.subtotal),
      subtotal_set: bag(line.subtotal, currency),
      total_tax_set: bag(line.tax ?? "0.00", currency),
      line_item: {
        // Same GIDs as test/factories/order.ts gives the order's lines.
        admin_graphql_api_id: `gid://shopify/LineItem/${spec.orderId}${line.lineIndex ?? 0}`,
        product_id: line.productId ?? 7000 + (line.lineIndex ?? 0),
        gift_card: line.giftCard ?? false,
      },
    })),
    refund_shipping_lines: spec.shipping
      ? [{ subtotal_amount_set: bag(spec.shipping, currency), total_tax_amount_set: bag("0.00", currency) }]
      : [],
    transactions: [],
  };
}
