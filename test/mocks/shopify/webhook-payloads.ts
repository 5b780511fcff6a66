import { toShopifyRestDateTime } from "./clock";
import { formatCurrencyAmount, multiplyDecimal, subtractDecimals, sumDecimals } from "./decimal";
import { numericId } from "./graphql/connection";
import { discountAllocationsOf } from "./order-lines";
import type {
  LineItemRecord,
  OrderRecord,
  RefundRecord,
  ShippingLineRecord,
  ShopState,
  TaxLineRecord,
} from "./records";
import { refundedQuantity } from "./refunds";

/*
 * Webhook bodies in Shopify's REST shape (orders/paid, orders/cancelled, orders/fulfilled,
 * refunds/create), built from the same records the GraphQL views read, so a test can deliver
 * exactly what Shopify would send for an order the app can also query. Only fields the stand-in
 * models are present: a field it does not model is absent, never filled with a guess.
 */

type Money = (amount: string) => { shop_money: RestMoney; presentment_money: RestMoney };
interface RestMoney {
  amount: string;
  currency_code: string;
}

/** Presentment amounts equal shop amounts in the stand-in (see records.ts), digits included. */
function moneyOf(order: OrderRecord) {
  const text = (amount: string) => formatCurrencyAmount(amount, order.currencyCode);
  const set: Money = (amount) => ({
    shop_money: { amount: text(amount), currency_code: order.currencyCode },
    presentment_money: { amount: text(amount), currency_code: order.presentmentCurrencyCode },
  });
  return { text, set };
}

/** The orders/paid body; orders/cancelled, orders/fulfilled and orders/updated share it. */
export function orderPayload(state: ShopState, order: OrderRecord) {
  const lines = order.lines;
  if (lines === null) {
    throw new Error(`Order ${order.id} was seeded without lines; seed lines to build its webhook payload`);
  }
  const { text, set } = moneyOf(order);
  const at = (ms: number) => toShopifyRestDateTime(ms, state.shop.ianaTimezone);
  const customer = order.customerId ? state.customers.get(order.customerId) : undefined;
  const lineItemsPrice = sumDecimals(lines.map((l) => multiplyDecimal(l.price, l.quantity)));
  return {
    id: numericId(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    number: order.number - 1000,
    order_number: order.number,
    email: order.email,
    currency: order.currencyCode,
    presentment_currency: order.presentmentCurrencyCode,
    test: order.test,
    taxes_included: order.taxesIncluded,
    created_at: at(order.createdAt),
    updated_at: at(order.updatedAt),
    processed_at: at(order.processedAt),
    cancelled_at: order.cancelledAt === null ? null : at(order.cancelledAt),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    financial_status: order.displayFinancialStatus.toLowerCase(),
    fulfillment_status: order.fulfilled ? "fulfilled" : null,
    tags: order.tags.join(", "),
    total_line_items_price: text(lineItemsPrice),
    total_line_items_price_set: set(lineItemsPrice),
    subtotal_price: text(order.subtotalPrice),
    subtotal_price_set: set(order.subtotalPrice),
    // Shopify lists each applied code with the discount it gave; the stand-in
    // gives the order's whole discount to its first code.
    discount_codes: order.discountCodes.map((code, i) => ({
      code,
      amount: text(i === 0 ? order.totalDiscounts : "0.00"),
      type: "fixed_amount",
    })),
    total_discounts: text(order.totalDiscounts),
    total_discounts_set: set(order.totalDiscounts),
    total_tax: text(order.totalTax),
    total_tax_set: set(order.totalTax),
    total_shipping_price_set: set(order.totalShippingPrice),
    total_price: text(order.totalPrice),
    total_price_set: set(order.totalPrice),
    current_subtotal_price: text(order.currentSubtotalPrice),
    current_subtotal_price_set: set(order.currentSubtotalPrice),
    current_total_price: text(order.currentTotalPrice),
    current_total_price_set: set(order.currentTotalPrice),
    customer: customer
      ? {
          id: numericId(customer.id),
          admin_graphql_api_id: customer.id,
          email: customer.email,
          first_name: customer.firstName,
          last_name: customer.lastName,
        }
      : null,
    line_items: lines.map((line) => lineItemPayload(order, line)),
    shipping_lines: order.shippingLines.map((line) => shippingLinePayload(order, line)),
    refunds: order.refunds.map((refund) => refundPayload(state, order, refund)),
  };
}

/** The refunds/create body. */
export function refundPayload(state: ShopState, order: OrderRecord, refund: RefundRecord) {
  const { text, set } = moneyOf(order);
  const at = toShopifyRestDateTime(refund.createdAt, state.shop.ianaTimezone);
  return {
    id: numericId(refund.id),
    admin_graphql_api_id: refund.id,
    order_id: numericId(order.id),
    created_at: at,
    processed_at: at,
    refund_line_items: refund.lines.map((refunded) => {
      const line = order.lines!.find((l) => l.id === refunded.lineItemId)!;
      return {
        id: numericId(refunded.id),
        line_item_id: numericId(line.id),
        quantity: refunded.quantity,
        // Shopify sends these two as JSON numbers, unlike every other amount.
        subtotal: Number(text(refunded.subtotal)),
        subtotal_set: set(refunded.subtotal),
        total_tax: Number(text(refunded.tax)),
        total_tax_set: set(refunded.tax),
        line_item: lineItemPayload(order, line),
      };
    }),
    // Shopify's REST Refund lists no tax amount on a refunded shipping line (2024-10 onwards).
    refund_shipping_lines: refund.shipping.map((refunded) => {
      const line = order.shippingLines.find((s) => s.id === refunded.shippingLineId)!;
      return {
        id: numericId(refunded.id),
        shipping_line_id: numericId(line.id),
        subtotal_amount_set: set(refunded.subtotal),
        shipping_line: shippingLinePayload(order, line),
      };
    }),
    // Shipping refunds stopped being order adjustments in 2024-10; the stand-in makes no others.
    order_adjustments: [],
  };
}

function lineItemPayload(order: OrderRecord, line: LineItemRecord) {
  const { text, set } = moneyOf(order);
  return {
    id: numericId(line.id),
    admin_graphql_api_id: line.id,
    title: line.title,
    name: line.title,
    quantity: line.quantity,
    current_quantity: line.quantity - refundedQuantity(order, line.id),
    price: text(line.price),
    price_set: set(line.price),
    product_id: line.productId === null ? null : numericId(line.productId),
    product_exists: line.productId !== null,
    gift_card: line.giftCard,
    fulfillment_status: order.fulfilled ? "fulfilled" : null,
    discount_allocations: discountAllocationsOf(line).map((amount) => ({
      amount: text(amount),
      amount_set: set(amount),
    })),
    tax_lines: line.taxLines.map((tax) => taxLinePayload(order, tax)),
  };
}

function shippingLinePayload(order: OrderRecord, line: ShippingLineRecord) {
  const { text, set } = moneyOf(order);
  const discount = subtractDecimals(line.price, line.discountedPrice);
  return {
    id: numericId(line.id),
    title: line.title,
    price: text(line.price),
    price_set: set(line.price),
    discounted_price: text(line.discountedPrice),
    discounted_price_set: set(line.discountedPrice),
    discount_allocations: discount === "0.0" ? [] : [{ amount: text(discount), amount_set: set(discount) }],
    tax_lines: line.taxLines.map((tax) => taxLinePayload(order, tax)),
  };
}

function taxLinePayload(order: OrderRecord, tax: TaxLineRecord) {
  const { text, set } = moneyOf(order);
  return { title: tax.title, price: text(tax.price), price_set: set(tax.price), rate: tax.rate };
}
