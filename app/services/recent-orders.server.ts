// Reads orders back from Shopify for reconciliation (app/models/reconciliation.server.ts).
import type { GqlLineItem, GqlOrder, GqlOrderSummary, GqlRefund } from "~/domain/order-graphql";
import type { AdminClient } from "./admin-client.server";

const MONEY = `shopMoney { amount currencyCode }`;
/** Refunds per order and lines per refund that reconciliation reads; more are reported, not guessed. */
export const MAX_REFUNDS = 5;
export const MAX_REFUND_LINES = 10;

// Shopify refuses a query whose requested cost exceeds 1,000 points, and
// nested connections multiply. So the list asks only what tells a gap
// (about 13 points an order), and an order with a gap is read in two queries:
// its lines (about 250 points), then its refunds if one is missing (about 450).
const ORDERS = `#graphql
  query TallyReconcileOrders($first: Int!, $after: String, $query: String!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id updatedAt cancelledAt test displayFinancialStatus displayFulfillmentStatus
        customer { id }
        refunds(first: ${MAX_REFUNDS}) { id }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const LINE_ITEMS = `
  nodes {
    id quantity isGiftCard product { id }
    originalUnitPriceSet { ${MONEY} }
    discountAllocations { allocatedAmountSet { ${MONEY} } }
    taxLines { priceSet { ${MONEY} } }
  }
  pageInfo { hasNextPage endCursor }`;

const ORDER = `#graphql
  query TallyReconcileOrder($id: ID!) {
    order(id: $id) {
      id name updatedAt cancelledAt test taxesIncluded currencyCode displayFinancialStatus displayFulfillmentStatus
      customer { id }
      subtotalPriceSet { ${MONEY} }
      lineItems(first: 25) { ${LINE_ITEMS} }
      shippingLines(first: 3) {
        nodes { originalPriceSet { ${MONEY} } discountedPriceSet { ${MONEY} } taxLines { priceSet { ${MONEY} } } }
      }
    }
  }`;

const MORE_LINE_ITEMS = `#graphql
  query TallyReconcileOrderLines($id: ID!, $after: String!) {
    order(id: $id) { lineItems(first: 25, after: $after) { ${LINE_ITEMS} } }
  }`;

const REFUNDS = `#graphql
  query TallyReconcileRefunds($id: ID!) {
    order(id: $id) {
      refunds(first: ${MAX_REFUNDS}) {
        id
        refundLineItems(first: ${MAX_REFUND_LINES}) {
          nodes { lineItem { id isGiftCard product { id } } subtotalSet { ${MONEY} } totalTaxSet { ${MONEY} } }
          pageInfo { hasNextPage }
        }
        refundShippingLines(first: 2) { nodes { subtotalAmountSet { ${MONEY} } taxAmountSet { ${MONEY} } } }
      }
    }
  }`;

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
type LinePage = { nodes: GqlLineItem[]; pageInfo: PageInfo };
type OrderNode = Omit<GqlOrder, "lineItems" | "shippingLines" | "refunds"> & {
  lineItems: LinePage;
  shippingLines: { nodes: GqlOrder["shippingLines"] };
};
type RefundNode = GqlRefund & { refundLineItems: { pageInfo: { hasNextPage: boolean } } };

/** Orders updated at or after `since`, oldest update first, a page at a time. */
export async function* ordersUpdatedSince(
  client: AdminClient,
  since: Date,
  pageSize = 50,
): AsyncGenerator<GqlOrderSummary[]> {
  const query = `updated_at:>='${since.toISOString()}'`;
  let after: string | null = null;
  do {
    const data: { orders: { nodes: GqlOrderSummary[]; pageInfo: PageInfo } } = await client.request(ORDERS, {
      first: pageSize,
      after,
      query,
    });
    yield data.orders.nodes;
    after = data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null;
  } while (after);
}

/**
 * One order with everything its points are computed from (its refunds only
 * when asked); null if Shopify no longer has it. `truncated` names refunds
 * with more lines than were read.
 */
export async function fetchOrder(
  client: AdminClient,
  id: string,
  withRefunds: boolean,
): Promise<{ order: GqlOrder; truncated: string[] } | null> {
  const { order } = await client.request<{ order: OrderNode | null }>(ORDER, { id });
  if (!order) return null;
  const lineItems = [...order.lineItems.nodes];
  let page = order.lineItems.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const more = await client.request<{ order: { lineItems: LinePage } | null }>(MORE_LINE_ITEMS, {
      id,
      after: page.endCursor,
    });
    if (!more.order) return null;
    lineItems.push(...more.order.lineItems.nodes);
    page = more.order.lineItems.pageInfo;
  }
  let refunds: RefundNode[] = [];
  if (withRefunds) {
    const data = await client.request<{ order: { refunds: RefundNode[] } | null }>(REFUNDS, { id });
    if (!data.order) return null;
    refunds = data.order.refunds;
  }
  return {
    order: { ...order, lineItems, shippingLines: order.shippingLines.nodes, refunds },
    truncated: refunds.filter((r) => r.refundLineItems.pageInfo.hasNextPage).map((r) => r.id),
  };
}
