import { z } from "zod";
import { parseCurrency, parseMoney, type CurrencyCode, type Money } from "./money";
import type { OrderFacts, OrderLine } from "./order";
import { describeIssues, ok, refuse, type Result } from "./result";

// Largest single amount Tally accepts from a payload (1e12 major units): far
// above any real order, small enough that arithmetic stays exact.
const ABSURD_MAJOR_UNITS = 10n ** 12n;

const Amount = z.union([z.string(), z.number()]);
const MoneyBag = z.object({
  shop_money: z.object({ amount: Amount, currency_code: z.string() }),
});
const Gid = (type: string) =>
  z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `must be a ${type} GID`);

const LineItem = z.object({
  admin_graphql_api_id: Gid("LineItem").nullish(),
  product_id: z.union([z.number(), z.string()]).nullish(),
  gift_card: z.boolean().default(false),
  quantity: z.number().int().nonnegative(),
  price_set: MoneyBag,
  discount_allocations: z.array(z.object({ amount_set: MoneyBag })).default([]),
  tax_lines: z.array(z.object({ price_set: MoneyBag })).default([]),
});

const ShippingLine = z.object({
  price_set: MoneyBag,
  // Shipping after shipping discounts; older payloads may lack it.
  discounted_price_set: MoneyBag.nullish(),
  tax_lines: z.array(z.object({ price_set: MoneyBag })).default([]),
});

const OrderPayload = z.object({
  admin_graphql_api_id: Gid("Order"),
  name: z.string().nullish(),
  currency: z.string(),
  test: z.boolean().default(false),
  taxes_included: z.boolean().default(false),
  subtotal_price_set: MoneyBag,
  updated_at: z.string().nullish(),
  customer: z.object({ admin_graphql_api_id: Gid("Customer") }).nullish(),
  line_items: z.array(LineItem).default([]),
  shipping_lines: z.array(ShippingLine).default([]),
  // Codes the checkout applied: a Tally reward code here marks its redemption used.
  discount_codes: z.array(z.object({ code: z.string() })).default([]),
});

/**
 * The part of an orders/* payload Tally keeps: only the fields it reads, so
 * stored deliveries hold no addresses, emails or names.
 */
export type StoredOrderPayload = z.infer<typeof OrderPayload>;

/**
 * Turns an orders/* webhook payload into OrderFacts, or says exactly why it
 * cannot: a refused payload must never reach the ledger.
 */
export function parseOrderPayload(payload: unknown): Result<OrderFacts> {
  const intake = readOrderPayload(payload);
  return intake.ok ? ok(intake.value.facts) : intake;
}

export function readOrderPayload(
  payload: unknown,
): Result<{ facts: OrderFacts; stored: StoredOrderPayload }> {
  const parsed = OrderPayload.safeParse(payload);
  if (!parsed.success) return refuse(describeIssues(parsed.error));
  const order = parsed.data;

  const currency = parseCurrency(order.currency);
  if (!currency) return refuse(`unknown currency ${JSON.stringify(order.currency)}`);

  const money = moneyReader(currency);
  const subtotal = money(order.subtotal_price_set, "subtotal_price_set");
  if (!subtotal.ok) return subtotal;

  const lines: OrderLine[] = [];
  for (const [index, item] of order.line_items.entries()) {
    const line = parseLine(item, money, `line_items[${index}]`);
    if (!line.ok) return line;
    lines.push(line.value);
  }

  let shippingMinor = 0n;
  let shippingTaxMinor = 0n;
  for (const [index, line] of order.shipping_lines.entries()) {
    const field = `shipping_lines[${index}]`;
    const charged = money(line.discounted_price_set ?? line.price_set, `${field}.discounted_price_set`);
    if (!charged.ok) return charged;
    shippingMinor += charged.value.minor;
    for (const taxLine of line.tax_lines) {
      const tax = money(taxLine.price_set, `${field}.tax_lines`);
      if (!tax.ok) return tax;
      shippingTaxMinor += tax.value.minor;
    }
  }

  const facts: OrderFacts = {
    orderGid: order.admin_graphql_api_id,
    orderName: order.name ?? null,
    customerGid: order.customer?.admin_graphql_api_id ?? null,
    currency,
    test: order.test,
    taxesIncluded: order.taxes_included,
    subtotal: subtotal.value,
    shipping: { currency, minor: shippingMinor },
    shippingTax: { currency, minor: shippingTaxMinor },
    lines,
    updatedAt: order.updated_at ?? null,
    discountCodes: order.discount_codes.map((d) => d.code),
  };
  return ok({ facts, stored: order });
}

type MoneyReader = (bag: z.infer<typeof MoneyBag>, field: string) => Result<Money>;

function moneyReader(currency: CurrencyCode): MoneyReader {
  return (bag, field) => {
    const { amount, currency_code } = bag.shop_money;
    if (currency_code !== currency) {
      return refuse(`${field}: shop money is in ${currency_code}, the order in ${currency}`);
    }
    const money = parseMoney(amount, currency);
    if (!money) return refuse(`${field}: ${JSON.stringify(amount)} is not a ${currency} amount`);
    if (money.minor < 0n) return refuse(`${field}: negative amount ${JSON.stringify(amount)}`);
    if (money.minor >= ABSURD_MAJOR_UNITS * 1000n) {
      return refuse(`${field}: implausibly large amount ${JSON.stringify(amount)}`);
    }
    return ok(money);
  };
}

function parseLine(item: z.infer<typeof LineItem>, money: MoneyReader, field: string): Result<OrderLine> {
  const price = money(item.price_set, `${field}.price_set`);
  if (!price.ok) return price;
  let discountedMinor = price.value.minor * BigInt(item.quantity);
  for (const allocation of item.discount_allocations) {
    const discount = money(allocation.amount_set, `${field}.discount_allocations`);
    if (!discount.ok) return discount;
    discountedMinor -= discount.value.minor;
  }
  let taxMinor = 0n;
  for (const taxLine of item.tax_lines) {
    const tax = money(taxLine.price_set, `${field}.tax_lines`);
    if (!tax.ok) return tax;
    taxMinor += tax.value.minor;
  }
  const currency = price.value.currency;
  return ok({
    lineGid: item.admin_graphql_api_id ?? null,
    productGid: item.product_id == null ? null : `gid://shopify/Product/${item.product_id}`,
    giftCard: item.gift_card,
    quantity: item.quantity,
    discountedTotal: { currency, minor: discountedMinor > 0n ? discountedMinor : 0n },
    tax: { currency, minor: taxMinor },
  });
}
