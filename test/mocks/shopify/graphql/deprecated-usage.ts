import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  NoDeprecatedCustomRule,
  typeFromAST,
  validate,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";

/**
 * Shopify still executes deprecated fields and inputs (it only warns), but Tally must not depend
 * on them: `customerSelection` on discounts, for one, is replaced by `context`. The stand-in
 * therefore refuses them. Literals in the document are caught by NoDeprecatedCustomRule; values
 * passed through variables never reach that rule, so they are walked against their input types.
 */
export function deprecatedUsage(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): string[] {
  const messages = validate(schema, document, [NoDeprecatedCustomRule]).map((e) => e.message);
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    const name = definition.variable.name.value;
    if (type && name in variables) walk(type as GraphQLInputType, variables[name], `$${name}`, messages);
  }
  return messages;
}

function walk(type: GraphQLInputType, value: unknown, path: string, messages: string[]): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return walk(type.ofType, value, path, messages);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(type.ofType, item, `${path}[${i}]`, messages));
    return;
  }
  const named = getNamedType(type);
  if (isEnumType(named)) {
    const reason = named.getValue(String(value))?.deprecationReason;
    if (reason)
      messages.push(`The enum value ${named.name}.${String(value)} (at ${path}) is deprecated. ${reason}`);
    return;
  }
  if (!isInputObjectType(named) || typeof value !== "object") return;
  const fields = named.getFields();
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const field = fields[key];
    if (!field) continue;
    if (field.deprecationReason) {
      messages.push(
        `The input field ${named.name}.${key} (at ${path}.${key}) is deprecated. ${field.deprecationReason}`,
      );
    }
    walk(field.type, item, `${path}.${key}`, messages);
  }
}
