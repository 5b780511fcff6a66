import {
  currencyAmount,
  formatDecimal,
  multiplyDecimal,
  parseDecimal,
  subtractDecimals,
  sumDecimals,
} from "./decimal";
import type { IdSequence } from "./ids";
import type { LineItemRecord, ShippingLineRecord, TaxLineRecord } from "./records";

export interface SeedLine {
  /** Product GID; null for a deleted product or a custom item; omitted gives a new product. */
  productId?: string | null;
  title?: string;
  /** Defaults to 1. */
  quantity?: number;
  /** Unit price before discounts. */
  price: string;
  giftCard?: boolean;
  /**
   * Total allocated to the line by an order-level discount (a code for an amount off the order,
   * as Tally's rewards are). Listed in discountAllocations; left out of discountedTotalSet, as
   * Shopify leaves order-level discounts out of it.
   */
  discount?: string;
  /** Total allocated by an automatic product discount; discountedTotalSet subtracts it. */
  lineDiscount?: string;
  /** Total tax on the line, as one tax line. */
  tax?: string;
  /** The tax line's rate (0.06 for 6 %); derived from the amounts, to 4 places, when omitted. */
  taxRate?: number;
}

export interface SeedShipping {
  price: string;
  /** After shipping discounts; defaults to `price`. */
  discountedPrice?: string;
  tax?: string;
  taxRate?: number;
  title?: string;
}

/** The order totals Shopify derives from lines and shipping, before any refund. */
export interface OrderTotals {
  subtotalPrice: string;
  totalDiscounts: string;
  totalTax: string;
  totalShippingPrice: string;
  totalPrice: string;
}

/**
 * Builds line and shipping records from seed input, refusing amounts Shopify could not hold
 * (negative, or finer than the currency's minor unit), and the totals they add up to.
 */
export function buildOrderLines(
  ids: IdSequence,
  input: { lines: SeedLine[]; shippingLines: SeedShipping[]; taxesIncluded: boolean; currencyCode: string },
): { lines: LineItemRecord[]; shippingLines: ShippingLineRecord[]; totals: OrderTotals } {
  const amount = (value: string | undefined, what: string) =>
    currencyAmount(value ?? "0", input.currencyCode, what);

  const lines = input.lines.map((seed, index): LineItemRecord => {
    const what = `lines[${index}]`;
    const quantity = seed.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new Error(`${what}.quantity must be a positive integer, not ${quantity}`);
    }
    const price = amount(seed.price, `${what}.price`);
    const orderDiscount = amount(seed.discount, `${what}.discount`);
    const lineDiscount = amount(seed.lineDiscount, `${what}.lineDiscount`);
    const discounted = subtractDecimals(
      multiplyDecimal(price, quantity),
      sumDecimals([orderDiscount, lineDiscount]),
    );
    if ((parseDecimal(discounted) ?? 0n) < 0n) throw new Error(`${what}: discounts exceed the line's price`);
    return {
      id: ids.gid("LineItem"),
      title: seed.title ?? `Item ${index + 1}`,
      productId: productIdOf(seed, ids, what),
      quantity,
      giftCard: seed.giftCard ?? false,
      price,
      orderDiscount,
      lineDiscount,
      taxLines: taxLines(amount(seed.tax, `${what}.tax`), seed.taxRate, discounted, input.taxesIncluded),
    };
  });

  const shippingLines = input.shippingLines.map((seed, index): ShippingLineRecord => {
    const what = `shippingLines[${index}]`;
    const price = amount(seed.price, `${what}.price`);
    const discountedPrice = amount(seed.discountedPrice ?? seed.price, `${what}.discountedPrice`);
    if ((parseDecimal(discountedPrice) ?? 0n) > (parseDecimal(price) ?? 0n)) {
      throw new Error(`${what}: discountedPrice exceeds price`);
    }
    return {
      id: ids.gid("ShippingLine"),
      title: seed.title ?? "Standard",
      price,
      discountedPrice,
      taxLines: taxLines(amount(seed.tax, `${what}.tax`), seed.taxRate, discountedPrice, input.taxesIncluded),
    };
  });

  const subtotalPrice = sumDecimals(lines.map(discountedTotalOf));
  const totalTax = sumDecimals([...lines, ...shippingLines].flatMap((l) => l.taxLines.map((t) => t.price)));
  const shippingCharged = sumDecimals(shippingLines.map((s) => s.discountedPrice));
  return {
    lines,
    shippingLines,
    totals: {
      subtotalPrice,
      totalDiscounts: sumDecimals([
        ...lines.flatMap((l) => [l.orderDiscount, l.lineDiscount]),
        ...shippingLines.map((s) => subtractDecimals(s.price, s.discountedPrice)),
      ]),
      totalTax,
      totalShippingPrice: sumDecimals(shippingLines.map((s) => s.price)),
      totalPrice: sumDecimals(
        input.taxesIncluded ? [subtotalPrice, shippingCharged] : [subtotalPrice, shippingCharged, totalTax],
      ),
    },
  };
}

/** price × quantity less every discount allocated to the line (what the subtotal adds up). */
export function discountedTotalOf(line: LineItemRecord): string {
  return subtractDecimals(
    multiplyDecimal(line.price, line.quantity),
    sumDecimals([line.orderDiscount, line.lineDiscount]),
  );
}

/** Every allocation on the line, order-level first, as Shopify lists discount applications. */
export function discountAllocationsOf(line: LineItemRecord): string[] {
  return [line.orderDiscount, line.lineDiscount].filter((a) => (parseDecimal(a) ?? 0n) > 0n);
}

function productIdOf(seed: SeedLine, ids: IdSequence, what: string): string | null {
  if (seed.productId === undefined) return ids.gid("Product");
  if (seed.productId === null) return null;
  if (!/^gid:\/\/shopify\/Product\/\d+$/.test(seed.productId)) {
    throw new Error(`${what}.productId must be a Product GID, not ${seed.productId}`);
  }
  return seed.productId;
}

/** No tax line for an untaxed line, as Shopify answers; one line otherwise. */
function taxLines(
  tax: string,
  rate: number | undefined,
  charged: string,
  taxesIncluded: boolean,
): TaxLineRecord[] {
  const taxUnits = parseDecimal(tax) ?? 0n;
  if (taxUnits === 0n) return [];
  const base = (parseDecimal(charged) ?? 0n) - (taxesIncluded ? taxUnits : 0n);
  const derived = base > 0n ? Math.round((Number(taxUnits) / Number(base)) * 10_000) / 10_000 : 0;
  return [{ title: "Tax", rate: rate ?? derived, price: formatDecimal(taxUnits) }];
}
