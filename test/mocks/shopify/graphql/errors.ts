import { GraphQLError } from "graphql";

/** One entry of Shopify's top-level `errors` array. */
export interface ShopifyGraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions: { code: string } & Record<string, unknown>;
}

/** Thrown by resolvers for anything the stand-in deliberately does not emulate. */
export function notImplemented(what: string): GraphQLError {
  return new GraphQLError(`The Shopify stand-in does not implement ${what}`, {
    extensions: { code: "NOT_IMPLEMENTED_BY_STAND_IN" },
  });
}

/** An error the real API raises as a top-level GraphQL error (not a userError). */
export function apiError(message: string, code: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/**
 * graphql-js and Shopify (graphql-ruby) word validation errors differently; the codes below are
 * graphql-ruby's so the app's error handling sees what Shopify would send. Messages stay
 * graphql-js's: tests should key on codes, not wording.
 */
const VALIDATION_CODES: [RegExp, string][] = [
  [/^Cannot query field/, "undefinedField"],
  [/^Unknown argument/, "argumentNotAccepted"],
  [/^Field ".+" argument ".+" of type ".+" is required/, "missingRequiredArguments"],
  [/^Unknown type/, "undefinedType"],
  [/^Variable "\$.+" is not defined/, "variableNotDefined"],
  [/^Variable "\$.+" is never used/, "variableNotUsed"],
  [/^Variable "\$.+" of type ".+" used in position expecting/, "variableMismatch"],
  [/must have a selection of subfields|must not have a selection/, "selectionMismatch"],
  [/^Unknown fragment/, "undefinedFragment"],
  [/^Fragment ".+" is never used/, "useAndDefineFragment"],
  [/OneOf/, "oneOfInputObjectInvalid"],
  [/cannot represent|Expected value of type|is not defined by type/, "argumentLiteralsIncompatible"],
];

export function validationError(error: GraphQLError): ShopifyGraphqlError {
  const code = VALIDATION_CODES.find(([pattern]) => pattern.test(error.message))?.[1] ?? "validationError";
  return withLocations({ message: error.message, extensions: { code } }, error);
}

/** Errors raised while executing: keep the code a resolver chose, else Shopify's generic one. */
export function executionError(error: GraphQLError): ShopifyGraphqlError {
  const code = typeof error.extensions?.code === "string" ? error.extensions.code : "INTERNAL_SERVER_ERROR";
  return withLocations(
    {
      message: error.message,
      ...(error.path ? { path: [...error.path] } : {}),
      extensions: { ...error.extensions, code },
    },
    error,
  );
}

function withLocations(entry: ShopifyGraphqlError, error: GraphQLError): ShopifyGraphqlError {
  return error.locations ? { ...entry, locations: [...error.locations] } : entry;
}
