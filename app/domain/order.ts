import type { CurrencyCode, Money } from "./money";

/** What Tally needs to know about a Shopify order, already validated. */
export interface OrderFacts {
  readonly orderGid: string;
  readonly orderName: string | null;
  readonly customerGid: string | null;
  readonly currency: CurrencyCode;
  readonly test: boolean;
  readonly taxesIncluded: boolean;
  /** Shop-currency line items after all discounts, before shipping (Shopify's subtotal_price). */
  readonly subtotal: Money;
  readonly lines: readonly OrderLine[];
  readonly updatedAt: string | null;
}

export interface OrderLine {
  readonly lineGid: string | null;
  readonly productGid: string | null;
  readonly giftCard: boolean;
  readonly quantity: number;
  /** price × quantity minus every discount allocated to the line. */
  readonly discountedTotal: Money;
  readonly tax: Money;
}

/**
 * The amount an order earns on: its subtotal after discounts, without
 * shipping (never in the subtotal), without tax (Shopify folds tax into the
 * subtotal when prices include tax), and without gift-card lines (buying a
 * gift card is not spending; the gift card's later purchases earn).
 */
export function eligibleBase(order: OrderFacts): Money {
  let minor = order.subtotal.minor;
  for (const line of order.lines) {
    if (line.giftCard) minor -= line.discountedTotal.minor;
    else if (order.taxesIncluded) minor -= line.tax.minor;
  }
  return { currency: order.currency, minor: minor > 0n ? minor : 0n };
}
