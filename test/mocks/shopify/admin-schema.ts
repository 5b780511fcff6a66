import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

const INTROSPECTION = fileURLToPath(new URL("./admin-2026-10.introspection.json.gz", import.meta.url));

let cached: GraphQLSchema | undefined;

/**
 * The real Admin API 2026-10 schema (introspection shipped by @shopify/dev-mcp), built once per
 * process: building it takes about half a second, and every stand-in shares it read-only.
 */
export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(INTROSPECTION)).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    cached = buildClientSchema(json.data);
  }
  return cached;
}
