// The orders the backfill benchmark feeds to reconciliation's earn path, as
// Admin GraphQL returns them (app/services/recent-orders.server.ts reads
// these fields). Deterministic, so the parent process can tell what the
// child must have posted without asking the app.
import type { GqlMoneyBag, GqlOrder } from "~/domain/order-graphql";

// Distinct from the ingest benchmark's ids, should the two ever share a database.
const FIRST_ORDER_ID = 9_000_000_000_000;

/** A fixed scramble of the index (Knuth's multiplicative hash), so customers and prices look random but repeat. */
const mix = (i: number, salt: number) => Math.imul(i + salt * 0x9e37, 0x9e3779b1) >>> 0;

const money = (cents: number): GqlMoneyBag => ({
  shopMoney: { amount: (cents / 100).toFixed(2), currencyCode: "USD" },
});

interface Line {
  unitCents: number;
  quantity: number;
  discountCents: number;
}

/** 1–3 lines of 1–3 units at $5–$99.99, every fourth line 10 % off. */
function linesOf(index: number): Line[] {
  return Array.from({ length: 1 + (mix(index, 1) % 3) }, (_, k) => {
    const unitCents = 500 + (mix(index, 2 + k) % 9_500);
    const quantity = 1 + (mix(index, 5 + k) % 3);
    const discountCents = mix(index, 8 + k) % 4 === 0 ? Math.floor((unitCents * quantity) / 10) : 0;
    return { unitCents, quantity, discountCents };
  });
}

const subtotalCents = (lines: Line[]) =>
  lines.reduce((sum, l) => sum + l.unitCents * l.quantity - l.discountCents, 0);

/** What the order earns under the default rules (1 point per USD of subtotal, rounded down). */
export function backfillPoints(index: number): number {
  return Math.floor(subtotalCents(linesOf(index)) / 100);
}

export const backfillCustomerGid = (index: number, customers: number) =>
  `gid://shopify/Customer/${8_000_000 + (mix(index, 11) % customers)}`;

export function backfillOrder(index: number, customers: number): GqlOrder {
  const orderId = FIRST_ORDER_ID + index;
  const lines = linesOf(index);
  const updatedAt = new Date(Date.UTC(2026, 10, 1) + index * 1_000).toISOString();
  return {
    id: `gid://shopify/Order/${orderId}`,
    name: `#${100_000 + index}`,
    updatedAt,
    cancelledAt: null,
    test: false,
    displayFinancialStatus: "PAID",
    displayFulfillmentStatus: "UNFULFILLED",
    customer: { id: backfillCustomerGid(index, customers) },
    currencyCode: "USD",
    taxesIncluded: false,
    subtotalPriceSet: money(subtotalCents(lines)),
    lineItems: lines.map((line, k) => ({
      id: `gid://shopify/LineItem/${orderId}${k}`,
      quantity: line.quantity,
      isGiftCard: false,
      product: { id: `gid://shopify/Product/${7_000 + (mix(index, 14 + k) % 500)}` },
      originalUnitPriceSet: money(line.unitCents),
      discountAllocations: line.discountCents ? [{ allocatedAmountSet: money(line.discountCents) }] : [],
      taxLines: [
        { priceSet: money(Math.round((line.unitCents * line.quantity - line.discountCents) * 0.08)) },
      ],
    })),
    shippingLines: [
      {
        originalPriceSet: money(500),
        discountedPriceSet: money(500),
        taxLines: [{ priceSet: money(40) }],
      },
    ],
    refunds: [],
  };
}
