import { http, HttpResponse } from "msw";

import { STAND_IN_API_VERSION } from "../api-version";
import {
  runAdminGraphql,
  THROTTLED_ERROR,
  type GraphqlRequestBody,
  type GraphqlRun,
} from "../graphql/run-admin-graphql";
import type { GraphqlOutcome } from "../request-log";
import type { ShopifyStandIn } from "../stand-in";

const INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)";

const STATUS_TEXT: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

async function readBody(request: Request): Promise<GraphqlRequestBody | null> {
  const text = await request.text();
  if ((request.headers.get("content-type") ?? "").includes("application/graphql")) {
    return { query: text, variables: {}, operationName: null };
  }
  try {
    const body = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (typeof body.query !== "string") return null;
    const variables = body.variables ?? {};
    if (typeof variables !== "object" || variables === null || Array.isArray(variables)) return null;
    return {
      query: body.query,
      variables: variables as Record<string, unknown>,
      operationName: typeof body.operationName === "string" ? body.operationName : null,
    };
  } catch {
    return null;
  }
}

/** POST https://{shop}/admin/api/{version}/graphql.json, authenticated with X-Shopify-Access-Token. */
export function adminGraphqlHandler(standIn: ShopifyStandIn) {
  return http.post("https://:shop/admin/api/:version/graphql.json", async ({ request, params }) => {
    const shop = String(params.shop);
    const apiVersion = String(params.version);
    const body = await readBody(request);
    const log = (
      status: number,
      outcome: GraphqlOutcome,
      described: Partial<Pick<GraphqlRun, "operationName" | "operationType" | "rootFields">> = {},
    ) =>
      standIn.requests.push({
        kind: "graphql",
        at: standIn.clock.now(),
        shop,
        apiVersion,
        status,
        outcome,
        operationName: described.operationName ?? body?.operationName ?? null,
        operationType: described.operationType ?? null,
        rootFields: described.rootFields ?? [],
        query: body?.query ?? "",
        variables: body?.variables ?? {},
      });

    if (apiVersion !== STAND_IN_API_VERSION) {
      log(404, "unknown-version");
      return HttpResponse.json({ errors: "Not Found" }, { status: 404 });
    }
    if (!standIn.hasShop(shop) || !standIn.activeToken(shop, request.headers.get("x-shopify-access-token"))) {
      log(401, "unauthorized");
      return HttpResponse.json({ errors: INVALID_TOKEN }, { status: 401 });
    }
    if (!body) {
      log(400, "bad-request");
      return HttpResponse.json(
        { errors: { query: "Required parameter missing or invalid" } },
        { status: 400 },
      );
    }

    const injected = standIn.takeInjectedFailure();
    if (typeof injected === "number") {
      log(injected, "injected-failure");
      return HttpResponse.json({ errors: STATUS_TEXT[injected] }, { status: injected });
    }
    if (injected === "THROTTLED") {
      log(200, "throttled");
      return HttpResponse.json({
        errors: [THROTTLED_ERROR],
        extensions: {
          cost: {
            requestedQueryCost: 0,
            actualQueryCost: null,
            throttleStatus: standIn.bucket(shop).status(),
          },
        },
      });
    }

    const run = runAdminGraphql(standIn, shop, body);
    log(200, run.outcome, run);
    return HttpResponse.json(run.body);
  });
}
