import {
  getArgumentValues,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Shopify's calculated query cost, approximately (shopify.dev "rate limits"): scalars and enums 0,
 * objects 1, connections 2 plus their page size times the cost of one node, each mutation 10.
 * Edges and PageInfo are free. Requested cost sizes connections by `first`/`last`, so nested
 * connections multiply (orders(first: 10) { lineItems(first: 20) } charges 20 lines per order);
 * actual cost counts what came back.
 */
export const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /**
   * false while estimating the requested cost; true when measuring actual cost against the
   * response data, where fragments on types that were not returned find no data and cost nothing.
   */
  actual: boolean;
}

export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data?: unknown,
): number {
  const walk: Walk = { schema, fragments, variables, actual: data !== undefined };
  if (operation.operation === "mutation") {
    const rootFields = operation.selectionSet.selections.length;
    return rootFields * MUTATION_COST;
  }
  return selectionCost(walk, schema.getQueryType()!, operation.selectionSet, data, 1);
}

function selectionCost(
  walk: Walk,
  parent: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  value: unknown,
  listSize: number,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments[selection.name.value];
      if (!fragment) continue;
      const condition = fragment.typeCondition
        ? (walk.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined)
        : parent;
      if (condition) cost += selectionCost(walk, condition, fragment.selectionSet, value, listSize);
      continue;
    }
    if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field || !selection.selectionSet) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) continue;
    const key = selection.alias?.value ?? selection.name.value;
    const child = walk.actual ? (value as Record<string, unknown> | null | undefined)?.[key] : undefined;
    if (walk.actual && (child === null || child === undefined)) continue;
    const composite = named as GraphQLCompositeType;

    if (named.name.endsWith("Connection")) {
      let args: Record<string, unknown> = {};
      try {
        args = getArgumentValues(field, selection, walk.variables);
      } catch {
        // Invalid arguments are reported by execution; cost them as an empty page.
      }
      const pageSize = walk.actual ? countNodes(child) : Number(args.first ?? args.last ?? 0);
      cost += 2 + selectionCost(walk, composite, selection.selectionSet, child, pageSize);
      continue;
    }

    const free = named.name.endsWith("Edge") || named.name === "PageInfo";
    if (isList(field.type)) {
      const size = walk.actual ? 0 : (truncatedTo(walk, field, selection) ?? listSize);
      const items = walk.actual ? (child as unknown[]) : Array.from({ length: size }, () => undefined);
      for (const item of items) {
        if (walk.actual && item === null) continue;
        cost += (free ? 0 : 1) + selectionCost(walk, composite, selection.selectionSet, item, 1);
      }
      continue;
    }
    cost += (free ? 0 : 1) + selectionCost(walk, composite, selection.selectionSet, child, listSize);
  }
  return cost;
}

/**
 * Lists that take `first` without being connections (Order.refunds, LineItem.taxLines) are sized by
 * it, like a connection's page; without it they count as one item.
 */
function truncatedTo(walk: Walk, field: GraphQLField<unknown, unknown>, selection: FieldNode): number | null {
  if (!field.args.some((arg) => arg.name === "first")) return null;
  try {
    const first = getArgumentValues(field, selection, walk.variables).first;
    return typeof first === "number" ? Math.max(0, first) : null;
  } catch {
    return null;
  }
}

function isList(type: GraphQLOutputType): boolean {
  return isNonNullType(type) ? isListType(type.ofType) : isListType(type);
}

function countNodes(connection: unknown): number {
  const { edges, nodes } = connection as { edges?: unknown[]; nodes?: unknown[] };
  return Math.max(edges?.length ?? 0, nodes?.length ?? 0);
}
