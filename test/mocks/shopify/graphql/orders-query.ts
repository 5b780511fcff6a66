import type { FinancialStatus, OrderRecord } from "../records";
import { compareKeys, connection, numericId, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { apiError, notImplemented } from "./errors";
import { orderView } from "./views";

export interface OrdersArgs extends ConnectionArgs {
  query?: string | null;
  sortKey?: string | null;
  reverse?: boolean | null;
}

type Predicate = (order: OrderRecord) => boolean;

const DATE_FIELDS: Record<string, (o: OrderRecord) => number> = {
  created_at: (o) => o.createdAt,
  updated_at: (o) => o.updatedAt,
  processed_at: (o) => o.processedAt,
};

const SORT_VALUES: Record<string, (o: OrderRecord) => number> = {
  CREATED_AT: (o) => o.createdAt,
  UPDATED_AT: (o) => o.updatedAt,
  PROCESSED_AT: (o) => o.processedAt,
  ORDER_NUMBER: (o) => o.number,
  ID: (o) => numericId(o.id),
};

/**
 * Shopify's search syntax, for the terms a reconciliation job needs: created_at / updated_at /
 * processed_at with :, :>, :>=, :<, :<=; financial_status; status (open|cancelled|any);
 * customer_id; test. Terms combine with AND (implicit or explicit). Any other term is refused
 * rather than ignored, so a filter the stand-in cannot honour never returns unfiltered data.
 */
function parseOrderQuery(query: string): Predicate[] {
  const terms = query.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  return terms
    .filter((term) => term.toUpperCase() !== "AND")
    .map((term): Predicate => {
      const match = /^([a-z_]+):(>=|<=|>|<)?(.+)$/.exec(term);
      if (!match) throw notImplemented(`order search term "${term}"`);
      const [, field, op = "=", raw] = match as unknown as [string, string, string | undefined, string];
      const value = raw.replace(/^["']|["']$/g, "");
      const dateOf = DATE_FIELDS[field];
      if (dateOf) {
        const at = Date.parse(value);
        if (Number.isNaN(at)) throw apiError(`Invalid date in search term "${term}"`, "BAD_REQUEST");
        return (o) => compareNumbers(dateOf(o), op, at);
      }
      if (op !== "=") throw notImplemented(`order search term "${term}"`);
      switch (field) {
        case "financial_status":
          return (o) => o.displayFinancialStatus === (value.toUpperCase() as FinancialStatus);
        case "status":
          if (value === "any") return () => true;
          if (value === "cancelled") return (o) => o.cancelledAt !== null;
          if (value === "open") return (o) => o.cancelledAt === null;
          break;
        case "customer_id":
          return (o) => o.customerId !== null && String(numericId(o.customerId)) === value;
        case "test":
          return (o) => o.test === (value === "true");
      }
      throw notImplemented(`order search term "${term}"`);
    });
}

function compareNumbers(actual: number, op: string, expected: number): boolean {
  if (op === ">=") return actual >= expected;
  if (op === "<=") return actual <= expected;
  if (op === ">") return actual > expected;
  if (op === "<") return actual < expected;
  return actual === expected;
}

export function ordersConnection(ctx: ResolverContext, orders: OrderRecord[], args: OrdersArgs) {
  const sortKey = args.sortKey ?? "PROCESSED_AT";
  const sortValue = SORT_VALUES[sortKey];
  if (!sortValue) throw notImplemented(`orders sortKey ${sortKey}`);
  const predicates = args.query ? parseOrderQuery(args.query) : [];
  const direction = args.reverse ? -1 : 1;
  const keyOf = (o: OrderRecord) => [sortValue(o), numericId(o.id)];
  const compare = (a: (string | number)[], b: (string | number)[]) => direction * compareKeys(a, b);
  const matching = orders
    .filter((o) => predicates.every((p) => p(o)))
    .sort((a, b) => compare(keyOf(a), keyOf(b)));
  return connection(matching, args, keyOf, compare, (o) => orderView(ctx, o));
}
