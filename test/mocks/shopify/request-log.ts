/** What the app sent, recorded so tests can assert exact operations and variables. */
export type RequestLogEntry =
  | {
      kind: "graphql";
      at: number;
      shop: string;
      apiVersion: string;
      status: number;
      outcome: GraphqlOutcome;
      operationName: string | null;
      operationType: "query" | "mutation" | "subscription" | null;
      rootFields: string[];
      query: string;
      variables: Record<string, unknown>;
    }
  | {
      kind: "token";
      at: number;
      shop: string;
      status: number;
      grantType: string | null;
      requestedTokenType: string | null;
    };

export type GraphqlOutcome =
  | "ok"
  | "unauthorized"
  | "unknown-version"
  | "bad-request"
  | "invalid-document"
  | "not-implemented"
  | "max-cost-exceeded"
  | "throttled"
  | "injected-failure";
