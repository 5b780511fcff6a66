// Plain-data builders for Shopify order payloads, shaped like the 2026-07
// orders/paid example (../shared is only a shape reference; these are
// internally consistent). Reused by tests, the demo seed and the benchmarks.

export interface LineSpec {
  price: string;
  quantity?: number;
  discount?: string;
  tax?: string;
  giftCard?: boolean;
  productId?: number;
}

export interface OrderSpec {
  orderId: number | string;
  customerId?: number | string | null;
  currency?: string;
  lines?: LineSpec[];
  shipping?: string;
  shippingTax?: string;
  taxesIncluded?: boolean;
  test?: boolean;
  updatedAt?: string;
  /** Set for the orders/cancelled body: Shopify's says when. */
  cancelledAt?: string;
  /** The orders/fulfilled body: every line shipped. */
  fulfilled?: boolean;
}

/** When the factory's cancelled orders were cancelled. */
export const CANCELLED_AT = "2026-11-21T10:00:00-05:00";

const bag = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

/** Sums decimal strings exactly by working in the smallest unit they use. */
function sum(amounts: string[]): string {
  const scale = Math.max(0, ...amounts.map((a) => a.split(".")[1]?.length ?? 0));
  const total = amounts.reduce((acc, a) => {
    const [whole, fraction = ""] = a.split(".");
    return acc + BigInt(`${whole}${fraction.padEnd(scale, "0")}`);
  }, 0n);
  if (scale === 0) return total.toString();
  const digits = total.toString().padStart(scale + 1, "0");
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function times(amount: string, quantity: number): string {
  return sum(Array.from({ length: quantity }, () => amount));
}

export function orderPayload(spec: OrderSpec) {
  const currency = spec.currency ?? "USD";
  const zero = currency === "JPY" ? "0" : "0.00";
  const lines = spec.lines ?? [{ price: "100.00" }];
  const lineTotals = lines.map((line) => times(line.price, line.quantity ?? 1));
  const discounts = lines.map((line) => line.discount ?? zero);
  const taxes = lines.map((line) => line.tax ?? zero);
  const lineNet = lineTotals.map((total, i) => sum([total, `-${discounts[i]}`]));
  const taxesIncluded = spec.taxesIncluded ?? false;
  const subtotal = sum(lineNet);
  const tax = sum(taxes);
  const shipping = spec.shipping ?? zero;
  const shippingTax = spec.shippingTax ?? zero;
  const total = taxesIncluded ? sum([subtotal, shipping]) : sum([subtotal, shipping, tax, shippingTax]);
  const orderId = String(spec.orderId);
  const customer =
    spec.customerId === null || spec.customerId === undefined
      ? null
      : {
          id: Number(spec.customerId),
          admin_graphql_api_id: `gid://shopify/Customer/${spec.customerId}`,
          email: `customer${spec.customerId}@example.com`,
          first_name: "Test",
          last_name: `Customer ${spec.customerId}`,
        };
  return {
    id: Number(orderId),
    admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
    name: `#${orderId.slice(-6)}`,
    test: spec.test ?? false,
    currency,
    presentment_currency: currency,
    taxes_included: taxesIncluded,
    financial_status: "paid",
    cancelled_at: spec.cancelledAt ?? null,
    fulfillment_status: spec.fulfilled ? "fulfilled" : null,
    updated_at: spec.updatedAt ?? "2026-11-20T10:00:00-05:00",
    subtotal_price: subtotal,
    subtotal_price_set: bag(subtotal, currency),
    total_tax: tax,
    total_tax_set: bag(tax, currency),
    total_price: total,
    total_price_set: bag(total, currency),
    total_shipping_price_set: bag(shipping, currency),
    customer,
    line_items: lines.map((line, i) => ({
      id: 1000 + i,
      admin_graphql_api_id: `gid://shopify/LineItem/${orderId}${i}`,
      product_id: line.productId ?? 7000 + i,
      title: line.giftCard ? "Gift card" : `Product ${i}`,
      quantity: line.quantity ?? 1,
      price: line.price,
      price_set: bag(line.price, currency),
      gift_card: line.giftCard ?? false,
      discount_allocations:
        (line.discount ?? zero) === zero ? [] : [{ amount_set: bag(line.discount!, currency) }],
      tax_lines: (line.tax ?? zero) === zero ? [] : [{ price_set: bag(line.tax!, currency), title: "Tax" }],
    })),
    shipping_lines: [
      {
        price: shipping,
        price_set: bag(shipping, currency),
        discounted_price_set: bag(shipping, currency),
        tax_lines: spec.shippingTax ? [{ price_set: bag(spec.shippingTax, currency), title: "Tax" }] : [],
        title: "Standard",
      },
    ],
  };
}
