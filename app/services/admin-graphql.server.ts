// The shape of `admin.graphql` from shopify-app-remix. Services take it as a
// parameter so tests drive them through the Shopify stand-in, never a mock.
export type AdminGraphql = (
  query: string,
  options?: { variables?: Record<string, unknown> },
) => Promise<Response>;

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

/** Runs a document and returns `data`, throwing on GraphQL-level errors. */
export async function adminQuery<T>(
  graphql: AdminGraphql,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const response = await graphql(query, variables ? { variables } : undefined);
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) {
    throw new AdminApiError("Admin API request failed", body.errors ?? body);
  }
  return body.data;
}
