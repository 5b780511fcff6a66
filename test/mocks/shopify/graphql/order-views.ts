import { toShopifyDateTime } from "../clock";
import { multiplyDecimal, subtractDecimals, sumDecimals } from "../decimal";
import { discountAllocationsOf } from "../order-lines";
import type {
  LineItemRecord,
  OrderRecord,
  RefundRecord,
  ShippingLineRecord,
  TaxLineRecord,
} from "../records";
import { refundedQuantity } from "../refunds";
import { idConnection, numericId, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { notImplemented } from "./errors";
import { moneyBag, orderView } from "./views";

/*
 * An order's line items, shipping lines and refunds (Admin API 2026-10 names). Each view lists
 * exactly the fields the stand-in models, like those in views.ts.
 */

type Bag = (amount: string) => ReturnType<typeof moneyBag>;
type PagedArgs = ConnectionArgs & { reverse?: boolean | null };

/** Fields orderView adds for an order's contents. */
export function orderContentFields(ctx: ResolverContext, order: OrderRecord, bag: Bag) {
  const lines = (field: string) => {
    if (order.lines === null) {
      throw notImplemented(`Order.${field} for ${order.name}, which was seeded without lines`);
    }
    return order.lines;
  };
  return {
    taxesIncluded: order.taxesIncluded,
    displayFulfillmentStatus: order.fulfilled ? "FULFILLED" : "UNFULFILLED",
    lineItems: (args: PagedArgs) =>
      idConnection(lines("lineItems"), args, (line) => lineItemView(order, line, bag), args.reverse ?? false),
    /** No shipping line is ever removed in the stand-in, so includeRemovals changes nothing. */
    shippingLines: (args: PagedArgs & { includeRemovals?: boolean | null }) => {
      lines("shippingLines");
      return idConnection(order.shippingLines, args, (s) => shippingLineView(s, bag), args.reverse ?? false);
    },
    refunds: ({ first }: { first?: number | null }) => {
      lines("refunds");
      const refunds = first == null ? order.refunds : order.refunds.slice(0, Math.max(0, first));
      return refunds.map((refund) => refundView(ctx, order, refund, bag));
    },
  };
}

function lineItemView(order: OrderRecord, line: LineItemRecord, bag: Bag) {
  const originalTotal = multiplyDecimal(line.price, line.quantity);
  const allocations = discountAllocationsOf(line);
  return {
    __typename: "LineItem",
    id: line.id,
    title: line.title,
    name: line.title,
    quantity: line.quantity,
    currentQuantity: line.quantity - refundedQuantity(order, line.id),
    isGiftCard: line.giftCard,
    product: line.productId === null ? null : { __typename: "Product", id: line.productId },
    originalUnitPriceSet: bag(line.price),
    originalTotalSet: bag(originalTotal),
    // Shopify leaves order-level discounts out of this total; the stand-in seeds no line-level
    // code discounts, so withCodeDiscounts cannot change it.
    discountedTotalSet: (_args: { withCodeDiscounts?: boolean | null }) =>
      bag(subtractDecimals(originalTotal, line.lineDiscount)),
    totalDiscountSet: bag(sumDecimals(allocations)),
    discountAllocations: allocations.map(allocationView(bag)),
    taxLines: ({ first }: { first?: number | null }) =>
      (first == null ? line.taxLines : line.taxLines.slice(0, Math.max(0, first))).map(taxLineView(bag)),
  };
}

function shippingLineView(line: ShippingLineRecord, bag: Bag) {
  const discount = subtractDecimals(line.price, line.discountedPrice);
  return {
    __typename: "ShippingLine",
    id: line.id,
    title: line.title,
    isRemoved: false,
    originalPriceSet: bag(line.price),
    discountedPriceSet: bag(line.discountedPrice),
    discountAllocations: discount === "0.0" ? [] : [allocationView(bag)(discount)],
    taxLines: line.taxLines.map(taxLineView(bag)),
  };
}

/** The discount application behind an allocation is not modelled; asking for it is an error. */
function allocationView(bag: Bag) {
  return (amount: string) => ({ __typename: "DiscountAllocation", allocatedAmountSet: bag(amount) });
}

function taxLineView(bag: Bag) {
  return (tax: TaxLineRecord) => ({
    __typename: "TaxLine",
    title: tax.title,
    rate: tax.rate,
    priceSet: bag(tax.price),
  });
}

function refundView(ctx: ResolverContext, order: OrderRecord, refund: RefundRecord, bag: Bag) {
  const lineOf = (id: string) => order.lines!.find((l) => l.id === id)!;
  const shippingLineOf = (id: string) => order.shippingLines.find((s) => s.id === id)!;
  return {
    __typename: "Refund",
    id: refund.id,
    legacyResourceId: String(numericId(refund.id)),
    createdAt: toShopifyDateTime(refund.createdAt),
    updatedAt: toShopifyDateTime(refund.createdAt),
    totalRefundedSet: bag(refund.totalRefunded),
    order: () => orderView(ctx, order),
    refundLineItems: (args: PagedArgs) =>
      idConnection(
        refund.lines,
        args,
        (refunded) => ({
          __typename: "RefundLineItem",
          id: refunded.id,
          quantity: refunded.quantity,
          priceSet: bag(lineOf(refunded.lineItemId).price),
          subtotalSet: bag(refunded.subtotal),
          totalTaxSet: bag(refunded.tax),
          lineItem: lineItemView(order, lineOf(refunded.lineItemId), bag),
        }),
        args.reverse ?? false,
      ),
    refundShippingLines: (args: PagedArgs) =>
      idConnection(
        refund.shipping,
        args,
        (refunded) => ({
          __typename: "RefundShippingLine",
          id: refunded.id,
          subtotalAmountSet: bag(refunded.subtotal),
          taxAmountSet: bag(refunded.tax),
          shippingLine: shippingLineView(shippingLineOf(refunded.shippingLineId), bag),
        }),
        args.reverse ?? false,
      ),
  };
}
