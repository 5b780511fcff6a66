import type { GraphQLFieldResolver, GraphQLTypeResolver } from "graphql";

import type { ResolverContext } from "./context";
import { notImplemented } from "./errors";

/**
 * Resolves a field from a view object: a property is returned, a function is called with the
 * arguments. A field the view does not define is an error naming it; graphql-js's default would
 * answer null, which would look like real (empty) Shopify data.
 */
export const strictFieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (
  source,
  args,
  ctx,
  info,
) => {
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw notImplemented(`${info.parentType.name}.${info.fieldName}`);
  }
  const value = (source as Record<string, unknown>)[info.fieldName];
  return typeof value === "function" ? value(args, ctx, info) : value;
};

/** Views carry their concrete type, which is how unions and interfaces resolve. */
export const typenameTypeResolver: GraphQLTypeResolver<unknown, ResolverContext> = (value) =>
  (value as { __typename?: string }).__typename;
