import {
  execute,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type OperationDefinitionNode,
} from "graphql";

import { adminSchema } from "../admin-schema";
import type { ThrottleStatus } from "../leaky-bucket";
import type { GraphqlOutcome } from "../request-log";
import type { ShopifyStandIn } from "../stand-in";
import type { ResolverContext } from "./context";
import { deprecatedUsage } from "./deprecated-usage";
import { executionError, validationError, type ShopifyGraphqlError } from "./errors";
import { collectFields, fragmentsOf, pickOperation } from "./operation";
import { queryCost } from "./query-cost";
import { mutationRoot, queryRoot } from "./resolvers/root";
import { strictFieldResolver, typenameTypeResolver } from "./strict-resolvers";

/** Shopify refuses any single query whose requested cost exceeds this. */
export const MAX_QUERY_COST = 1000;

export interface GraphqlRequestBody {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

export interface GraphqlRun {
  body: {
    data?: unknown;
    errors?: ShopifyGraphqlError[];
    extensions: { cost: QueryCost };
  };
  outcome: GraphqlOutcome;
  operationType: OperationDefinitionNode["operation"] | null;
  operationName: string | null;
  rootFields: string[];
}

interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export const THROTTLED_ERROR: ShopifyGraphqlError = {
  message: "Throttled",
  extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
};

// A document's parse and validation depend on its text alone, and apps send
// the same few documents over and over: Shopify caches them too. Bounded so
// a test sending ever-new documents does not grow it without end.
const checkedDocuments = new Map<string, { document: DocumentNode } | { errors: ShopifyGraphqlError[] }>();
const CHECKED_DOCUMENTS_KEPT = 500;

function checkDocument(query: string): { document: DocumentNode } | { errors: ShopifyGraphqlError[] } {
  const cached = checkedDocuments.get(query);
  if (cached) return cached;
  let checked: { document: DocumentNode } | { errors: ShopifyGraphqlError[] };
  try {
    const document = parse(query);
    const invalid = validate(adminSchema(), document);
    checked = invalid.length > 0 ? { errors: invalid.map(validationError) } : { document };
  } catch (error) {
    const parseError = error as GraphQLError;
    checked = {
      errors: [
        {
          message: parseError.message,
          ...(parseError.locations ? { locations: [...parseError.locations] } : {}),
          extensions: { code: "PARSE_ERROR" },
        },
      ],
    };
  }
  if (checkedDocuments.size >= CHECKED_DOCUMENTS_KEPT) {
    checkedDocuments.delete(checkedDocuments.keys().next().value!);
  }
  checkedDocuments.set(query, checked);
  return checked;
}

const ROOTS = { query: queryRoot, mutation: mutationRoot } as Record<string, Record<string, unknown>>;

/**
 * Runs one Admin GraphQL request the way Shopify processes it: parse, validate against the real
 * schema, coerce variables, refuse what the stand-in does not implement, charge the shop's
 * bucket the requested cost (or answer THROTTLED), execute against the shop's state, refund the
 * difference to the actual cost.
 */
export function runAdminGraphql(
  standIn: ShopifyStandIn,
  shop: string,
  request: GraphqlRequestBody,
): GraphqlRun {
  const bucket = standIn.bucket(shop);
  const schema = adminSchema();
  const refuse = (
    outcome: GraphqlOutcome,
    errors: ShopifyGraphqlError[],
    partial: Partial<GraphqlRun> = {},
  ) => ({
    body: {
      errors,
      extensions: { cost: { requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: bucket.status() } },
    },
    outcome,
    operationType: null,
    operationName: request.operationName,
    rootFields: [],
    ...partial,
  });

  const checked = checkDocument(request.query);
  if ("errors" in checked) return refuse("invalid-document", checked.errors);
  const document = checked.document;

  const operation = pickOperation(document.definitions, request.operationName);
  if (!operation) {
    return refuse("invalid-document", [
      {
        message: request.operationName
          ? `Unknown operation named "${request.operationName}".`
          : "An operation name is required when the document contains several operations.",
        extensions: { code: "validationError" },
      },
    ]);
  }
  const fragments = fragmentsOf(document.definitions);
  const rootFields = collectFields(operation.selectionSet, fragments);
  const described = {
    operationType: operation.operation,
    operationName: operation.name?.value ?? request.operationName,
    rootFields: rootFields.map((f) => f.name.value),
  };

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables);
  if (coerced.errors) {
    return refuse(
      "invalid-document",
      coerced.errors.map((e) => ({
        message: e.message,
        ...(e.locations ? { locations: [...e.locations] } : {}),
        extensions: { code: "INVALID_VARIABLE" },
      })),
      described,
    );
  }

  if (standIn.refuseDeprecated) {
    // The raw variables, not the coerced ones: coercion fills in schema defaults, and some
    // deprecated input fields have defaults the app never sent.
    const deprecated = deprecatedUsage(schema, document, operation, request.variables);
    if (deprecated.length > 0) {
      return refuse(
        "invalid-document",
        deprecated.map((message) => ({
          message: `The Shopify stand-in refuses deprecated usage: ${message}`,
          extensions: { code: "DEPRECATED" },
        })),
        described,
      );
    }
  }

  const implemented = ROOTS[operation.operation] ?? {};
  const missing = rootFields.filter((f) => f.name.value !== "__typename" && !(f.name.value in implemented));
  if (missing.length > 0) {
    const typeName =
      operation.operation === "mutation"
        ? "Mutation"
        : operation.operation === "query"
          ? "QueryRoot"
          : "Subscription";
    return refuse(
      "not-implemented",
      missing.map((field) => ({
        message: `The Shopify stand-in does not implement ${typeName}.${field.name.value}`,
        locations: field.loc
          ? [{ line: field.loc.startToken.line, column: field.loc.startToken.column }]
          : [],
        path: [field.alias?.value ?? field.name.value],
        extensions: { code: "NOT_IMPLEMENTED_BY_STAND_IN" },
      })),
      described,
    );
  }

  const requested = queryCost(schema, operation, fragments, coerced.coerced);
  if (requested > MAX_QUERY_COST) {
    return {
      ...refuse(
        "max-cost-exceeded",
        [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_QUERY_COST },
          },
        ],
        described,
      ),
    };
  }
  if (!bucket.tryTake(requested)) {
    return {
      body: {
        errors: [THROTTLED_ERROR],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() },
        },
      },
      outcome: "throttled",
      ...described,
    };
  }

  const context: ResolverContext = { standIn, state: standIn.state(shop) };
  const result = execute({
    schema,
    document,
    rootValue: implemented,
    contextValue: context,
    variableValues: request.variables,
    operationName: request.operationName ?? undefined,
    fieldResolver: strictFieldResolver,
    typeResolver: typenameTypeResolver,
  });
  if (result instanceof Promise) throw new Error("Stand-in resolvers must be synchronous");

  const actual = queryCost(schema, operation, fragments, coerced.coerced, result.data ?? {});
  bucket.refund(requested - actual);
  return {
    body: {
      ...(result.errors ? { errors: result.errors.map(executionError) } : {}),
      data: result.data ?? null,
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
      },
    },
    outcome: "ok",
    ...described,
  };
}
