import { gid, parseGid } from "../../ids";
import type { ResolverContext } from "../context";
import { apiError } from "../errors";
import { ordersConnection, type OrdersArgs } from "../orders-query";
import {
  appInstallationView,
  customerView,
  discountCodeNodeView,
  discountNodeView,
  orderView,
  shopView,
} from "../views";

/** A malformed id fails coercion on Shopify with this message and code. */
export function requireGid(id: string): { type: string; id: string } {
  const parsed = parseGid(id);
  if (!parsed) throw apiError(`Invalid global id '${id}'`, "argumentLiteralsIncompatible");
  return parsed;
}

/** Implemented QueryRoot fields; any other root field is refused before execution. */
export const queryRoot = {
  shop: (_: unknown, ctx: ResolverContext) => shopView(ctx),
  currentAppInstallation: (_: unknown, ctx: ResolverContext) => appInstallationView(ctx),
  customer: ({ id }: { id: string }, ctx: ResolverContext) => {
    requireGid(id);
    const customer = ctx.state.customers.get(id);
    return customer ? customerView(ctx, customer) : null;
  },
  orders: (args: OrdersArgs, ctx: ResolverContext) =>
    ordersConnection(ctx, [...ctx.state.orders.values()], args),
  order: ({ id }: { id: string }, ctx: ResolverContext) => {
    requireGid(id);
    const order = ctx.state.orders.get(id);
    return order ? orderView(ctx, order) : null;
  },
  /** Deprecated in 2026-10 (refused unless the stand-in allows deprecated usage). */
  codeDiscountNode: ({ id }: { id: string }, ctx: ResolverContext) => {
    requireGid(id);
    const discount = ctx.state.discounts.get(id);
    return discount ? discountCodeNodeView(ctx, discount) : null;
  },
  codeDiscountNodeByCode: ({ code }: { code: string }, ctx: ResolverContext) => {
    const discount = [...ctx.state.discounts.values()].find(
      (d) => d.code.toLowerCase() === code.toLowerCase(),
    );
    return discount ? discountCodeNodeView(ctx, discount) : null;
  },
  /** Takes a DiscountNode GID, or the DiscountCodeNode GID the create mutations return. */
  discountNode: ({ id }: { id: string }, ctx: ResolverContext) => {
    const parsed = requireGid(id);
    if (parsed.type !== "DiscountNode" && parsed.type !== "DiscountCodeNode") return null;
    const discount = ctx.state.discounts.get(gid("DiscountCodeNode", parsed.id));
    return discount ? discountNodeView(ctx, discount) : null;
  },
};
