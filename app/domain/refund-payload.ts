import { z } from "zod";
import { formatMinor, parseCurrency, parseMoney } from "./money";
import { describeIssues, ok, refuse, type Result } from "./result";

const Amount = z.union([z.string(), z.number()]);
const MoneyBag = z.object({ shop_money: z.object({ amount: Amount, currency_code: z.string() }) });
const NumericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]);

const RefundPayload = z.object({
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Refund\/\d+$/, "must be a Refund GID"),
  order_id: NumericId,
  refund_line_items: z
    .array(
      z.object({
        subtotal_set: MoneyBag,
        total_tax_set: MoneyBag.nullish(),
        line_item: z.object({
          admin_graphql_api_id: z.string().nullish(),
          product_id: NumericId.nullish(),
          gift_card: z.boolean().default(false),
        }),
      }),
    )
    .default([]),
  refund_shipping_lines: z
    .array(z.object({ subtotal_amount_set: MoneyBag, total_tax_amount_set: MoneyBag.nullish() }))
    .default([]),
});

/** One refunded line, amounts as decimal strings in shop currency. */
export interface RefundedLine {
  readonly lineGid: string | null;
  readonly productGid: string | null;
  readonly giftCard: boolean;
  readonly subtotal: string;
  readonly tax: string;
}

/** A refunds/create payload reduced to what clawbacks are measured on. JSON-safe: it is stored. */
export interface Refund {
  readonly refundGid: string;
  readonly orderGid: string;
  readonly currency: string;
  readonly lines: readonly RefundedLine[];
  readonly shipping: string;
  readonly shippingTax: string;
}

export function parseRefundPayload(payload: unknown): Result<Refund> {
  const parsed = RefundPayload.safeParse(payload);
  if (!parsed.success) {
    return refuse(describeIssues(parsed.error));
  }
  const refund = parsed.data;
  const bags = [
    ...refund.refund_line_items.flatMap((l) => [l.subtotal_set, l.total_tax_set]),
    ...refund.refund_shipping_lines.flatMap((l) => [l.subtotal_amount_set, l.total_tax_amount_set]),
  ].filter((bag): bag is z.infer<typeof MoneyBag> => Boolean(bag));
  const currencyCode = bags[0]?.shop_money.currency_code ?? "USD";
  const currency = parseCurrency(currencyCode);
  if (!currency) return refuse(`unknown currency ${JSON.stringify(currencyCode)}`);
  for (const bag of bags) {
    const money = bag.shop_money;
    if (money.currency_code !== currency)
      return refuse(`refund mixes ${currency} and ${money.currency_code}`);
    const parsedMoney = parseMoney(money.amount, currency);
    if (!parsedMoney || parsedMoney.minor < 0n)
      return refuse(`${JSON.stringify(money.amount)} is not a ${currency} amount`);
  }
  const amount = (bag: z.infer<typeof MoneyBag> | null | undefined) => String(bag?.shop_money.amount ?? "0");
  const sum = (values: string[]) =>
    formatMinor({
      currency,
      minor: values.reduce((total, value) => total + parseMoney(value, currency)!.minor, 0n),
    });
  return ok({
    refundGid: refund.admin_graphql_api_id,
    orderGid: `gid://shopify/Order/${refund.order_id}`,
    currency,
    lines: refund.refund_line_items.map((line) => ({
      lineGid: line.line_item.admin_graphql_api_id ?? null,
      productGid:
        line.line_item.product_id == null ? null : `gid://shopify/Product/${line.line_item.product_id}`,
      giftCard: line.line_item.gift_card,
      subtotal: amount(line.subtotal_set),
      tax: amount(line.total_tax_set),
    })),
    shipping: sum(refund.refund_shipping_lines.map((l) => amount(l.subtotal_amount_set))),
    shippingTax: sum(refund.refund_shipping_lines.map((l) => amount(l.total_tax_amount_set))),
  });
}
