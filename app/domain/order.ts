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
  /** Shipping charged after shipping discounts, and the tax on it. */
  readonly shipping: Money;
  readonly shippingTax: Money;
  readonly lines: readonly OrderLine[];
  readonly updatedAt: string | null;
  /** Discount codes the order used, as the checkout applied them. */
  readonly discountCodes: readonly string[];
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
