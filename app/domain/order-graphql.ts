// Orders as Admin GraphQL returns them (for reconciliation), read through the
// same validation as webhook payloads: they are turned into the webhook shape
// and parsed by order-payload.ts and refund-payload.ts, so an order earns the
// same points whichever way Tally learned of it.
import type { EarnEvent } from "./earning-rules";
import type { OrderFacts } from "./order";
import { parseOrderPayload } from "./order-payload";
import { parseRefundPayload, type Refund } from "./refund-payload";
import type { Result } from "./result";

export interface GqlMoneyBag {
  shopMoney: { amount: string; currencyCode: string };
}

export interface GqlLineItem {
  id: string;
  quantity: number;
  isGiftCard: boolean;
  product: { id: string } | null;
  originalUnitPriceSet: GqlMoneyBag;
  discountAllocations: Array<{ allocatedAmountSet: GqlMoneyBag }>;
  taxLines: Array<{ priceSet: GqlMoneyBag }>;
}

export interface GqlShippingLine {
  originalPriceSet: GqlMoneyBag;
  discountedPriceSet: GqlMoneyBag;
  taxLines: Array<{ priceSet: GqlMoneyBag }>;
}

export interface GqlRefund {
  id: string;
  refundLineItems: {
    nodes: Array<{
      lineItem: { id: string; isGiftCard: boolean; product: { id: string } | null };
      subtotalSet: GqlMoneyBag;
      totalTaxSet: GqlMoneyBag;
    }>;
  };
  refundShippingLines: { nodes: Array<{ subtotalAmountSet: GqlMoneyBag; taxAmountSet: GqlMoneyBag }> };
}

/** What the reconciliation's order list says about each order: enough to tell what the ledger missed. */
export interface GqlOrderSummary {
  id: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  customer: { id: string } | null;
  refunds: Array<{ id: string }>;
}

export interface GqlOrder extends GqlOrderSummary {
  name: string;
  currencyCode: string;
  taxesIncluded: boolean;
  subtotalPriceSet: GqlMoneyBag | null;
  lineItems: GqlLineItem[];
  shippingLines: GqlShippingLine[];
  refunds: GqlRefund[];
}

// Shopify sends orders/paid once an order is paid in full; these statuses
// are what such an order shows later, refunds included.
const PAID_STATUSES = new Set(["PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

/** Whether Shopify would have sent the event the shop earns on for this order. */
export function reachedEarnEvent(order: GqlOrderSummary, event: EarnEvent): boolean {
  return event === "ORDERS_PAID"
    ? PAID_STATUSES.has(order.displayFinancialStatus ?? "")
    : order.displayFulfillmentStatus === "FULFILLED";
}

const bag = (money: GqlMoneyBag) => ({
  shop_money: { amount: money.shopMoney.amount, currency_code: money.shopMoney.currencyCode },
});
const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

export function orderFromGraphql(order: GqlOrder): Result<OrderFacts> {
  return parseOrderPayload({
    admin_graphql_api_id: order.id,
    name: order.name,
    currency: order.currencyCode,
    test: order.test,
    taxes_included: order.taxesIncluded,
    subtotal_price_set: order.subtotalPriceSet ? bag(order.subtotalPriceSet) : undefined,
    updated_at: order.updatedAt,
    customer: order.customer ? { admin_graphql_api_id: order.customer.id } : null,
    line_items: order.lineItems.map((line) => ({
      admin_graphql_api_id: line.id,
      product_id: line.product ? numericId(line.product.id) : null,
      gift_card: line.isGiftCard,
      quantity: line.quantity,
      price_set: bag(line.originalUnitPriceSet),
      discount_allocations: line.discountAllocations.map((d) => ({ amount_set: bag(d.allocatedAmountSet) })),
      tax_lines: line.taxLines.map((t) => ({ price_set: bag(t.priceSet) })),
    })),
    shipping_lines: order.shippingLines.map((line) => ({
      price_set: bag(line.originalPriceSet),
      discounted_price_set: bag(line.discountedPriceSet),
      tax_lines: line.taxLines.map((t) => ({ price_set: bag(t.priceSet) })),
    })),
  });
}

export function refundFromGraphql(orderGid: string, refund: GqlRefund): Result<Refund> {
  return parseRefundPayload({
    admin_graphql_api_id: refund.id,
    order_id: numericId(orderGid),
    refund_line_items: refund.refundLineItems.nodes.map((line) => ({
      subtotal_set: bag(line.subtotalSet),
      total_tax_set: bag(line.totalTaxSet),
      line_item: {
        admin_graphql_api_id: line.lineItem.id,
        product_id: line.lineItem.product ? numericId(line.lineItem.product.id) : null,
        gift_card: line.lineItem.isGiftCard,
      },
    })),
    refund_shipping_lines: refund.refundShippingLines.nodes.map((line) => ({
      subtotal_amount_set: bag(line.subtotalAmountSet),
      total_tax_amount_set: bag(line.taxAmountSet),
    })),
  });
}
