/** Shopify's userError entries: `field` is the path into the mutation's arguments. */
export interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

export function userError(field: (string | number)[] | null, message: string, code?: string): UserError {
  return { field: field ? field.map(String) : null, message, ...(code ? { code } : {}) };
}

/** graphql-js builds coerced input objects without a prototype; store plain JSON copies instead. */
export function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
