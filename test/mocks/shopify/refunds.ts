import { compareDecimals, currencyAmount, subtractDecimals, sumDecimals } from "./decimal";
import type { IdSequence } from "./ids";
import { discountedTotalOf } from "./order-lines";
import type { LineItemRecord, OrderRecord, RefundRecord } from "./records";

export interface SeedRefund {
  lines?: {
    lineItemId: string;
    /** Defaults to every unit of the line not refunded yet. */
    quantity?: number;
    subtotal: string;
    tax?: string;
  }[];
  /** Shipping refunded, from the order's first shipping line unless another is named. */
  shipping?: { subtotal: string; tax?: string; shippingLineId?: string };
  /** When the refund is made; defaults to the stand-in's clock. */
  createdAt?: string;
}

const REFUNDABLE = ["PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED"];

/**
 * Records a refund on an order and moves the order on as Shopify does: updatedAt, totalRefunded,
 * the current* amounts and the financial status. Refunds Shopify would refuse (an unknown line,
 * more units or money than remain, an order with nothing paid) throw instead.
 */
export function applyRefund(ids: IdSequence, order: OrderRecord, input: SeedRefund, now: number): string {
  const lines = order.lines;
  if (lines === null) throw new Error(`Order ${order.id} was seeded without lines; seed lines to refund it`);
  if (!REFUNDABLE.includes(order.displayFinancialStatus)) {
    throw new Error(`Order ${order.id} is ${order.displayFinancialStatus}; Shopify refunds only paid orders`);
  }
  const seedLines = input.lines ?? [];
  if (seedLines.length === 0 && !input.shipping) {
    throw new Error("A refund needs lines or shipping; amount-only refunds are not emulated");
  }
  const amount = (value: string | undefined, what: string) =>
    currencyAmount(value ?? "0", order.currencyCode, what);

  const refundLines = seedLines.map((seed, index) => {
    const what = `lines[${index}]`;
    if (seedLines.findIndex((other) => other.lineItemId === seed.lineItemId) !== index) {
      throw new Error(`${what}: ${seed.lineItemId} is listed twice; give one entry per line item`);
    }
    const line = lines.find((l) => l.id === seed.lineItemId);
    if (!line) throw new Error(`${what}: ${seed.lineItemId} is not a line item of order ${order.id}`);
    const remaining = line.quantity - refundedQuantity(order, line.id);
    const quantity = seed.quantity ?? remaining;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > remaining) {
      throw new Error(`${what}: cannot refund ${quantity} of ${line.id}; ${remaining} remain`);
    }
    const subtotal = amount(seed.subtotal, `${what}.subtotal`);
    const alreadyRefunded = sumDecimals(refundsOf(order, line).map((l) => l.subtotal));
    if (compareDecimals(sumDecimals([alreadyRefunded, subtotal]), discountedTotalOf(line)) > 0) {
      throw new Error(`${what}: refunds would exceed what ${line.id} cost`);
    }
    return {
      id: ids.gid("RefundLineItem"),
      lineItemId: line.id,
      quantity,
      subtotal,
      tax: amount(seed.tax, `${what}.tax`),
    };
  });

  const refundShipping = input.shipping ? [shippingRefund(ids, order, input.shipping, amount)] : [];

  const subtotals = sumDecimals([...refundLines, ...refundShipping].map((l) => l.subtotal));
  const taxes = sumDecimals([...refundLines, ...refundShipping].map((l) => l.tax));
  const totalRefunded = order.taxesIncluded ? subtotals : sumDecimals([subtotals, taxes]);
  const orderRefunded = sumDecimals([order.totalRefunded, totalRefunded]);
  if (compareDecimals(orderRefunded, order.totalPrice) > 0) {
    throw new Error(`Refunds of ${orderRefunded} would exceed the order's total of ${order.totalPrice}`);
  }

  const createdAt = input.createdAt ? Date.parse(input.createdAt) : now;
  const refund: RefundRecord = {
    id: ids.gid("Refund"),
    orderId: order.id,
    createdAt,
    lines: refundLines,
    shipping: refundShipping,
    totalRefunded,
  };
  order.refunds.push(refund);
  order.totalRefunded = orderRefunded;
  order.currentSubtotalPrice = subtractDecimals(
    order.currentSubtotalPrice,
    sumDecimals(refundLines.map((l) => l.subtotal)),
  );
  order.currentTotalPrice = subtractDecimals(order.currentTotalPrice, totalRefunded);
  order.displayFinancialStatus =
    compareDecimals(orderRefunded, order.totalPrice) >= 0 ? "REFUNDED" : "PARTIALLY_REFUNDED";
  order.updatedAt = createdAt;
  return refund.id;
}

export function refundedQuantity(order: OrderRecord, lineItemId: string): number {
  return order.refunds
    .flatMap((r) => r.lines)
    .filter((l) => l.lineItemId === lineItemId)
    .reduce((sum, l) => sum + l.quantity, 0);
}

function refundsOf(order: OrderRecord, line: LineItemRecord) {
  return order.refunds.flatMap((r) => r.lines).filter((l) => l.lineItemId === line.id);
}

function shippingRefund(
  ids: IdSequence,
  order: OrderRecord,
  shipping: NonNullable<SeedRefund["shipping"]>,
  amount: (value: string | undefined, what: string) => string,
) {
  const line = shipping.shippingLineId
    ? order.shippingLines.find((s) => s.id === shipping.shippingLineId)
    : order.shippingLines[0];
  if (!line) {
    throw new Error(
      `shipping: order ${order.id} has no shipping line ${shipping.shippingLineId ?? ""}`.trim(),
    );
  }
  const subtotal = amount(shipping.subtotal, "shipping.subtotal");
  const alreadyRefunded = sumDecimals(
    order.refunds
      .flatMap((r) => r.shipping)
      .filter((s) => s.shippingLineId === line.id)
      .map((s) => s.subtotal),
  );
  if (compareDecimals(sumDecimals([alreadyRefunded, subtotal]), line.discountedPrice) > 0) {
    throw new Error(`shipping: refunds would exceed the ${line.discountedPrice} charged for ${line.id}`);
  }
  return {
    id: ids.gid("RefundShippingLine"),
    shippingLineId: line.id,
    subtotal,
    tax: amount(shipping.tax, "shipping.tax"),
  };
}
