// shopify-api's own app-proxy signature check (what shopify-app-remix's
// authenticate.public.appProxy runs): the reference Tally's check
// (app/domain/app-proxy-signature.ts) is compared with in the unit tests and
// timed against in the benchmark.
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";

const apis = new Map<string, ReturnType<typeof shopifyApi>>();

/** The library's validateHmac for the app-proxy signator, with this app secret. */
export function libraryAppProxyCheck(secret: string): (params: URLSearchParams) => Promise<boolean> {
  let api = apis.get(secret);
  if (!api) {
    api = shopifyApi({
      apiKey: "tally-reference-check",
      apiSecretKey: secret,
      apiVersion: ApiVersion.October26,
      hostName: "tally.test",
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error },
    });
    apis.set(secret, api);
  }
  const { utils } = api;
  return (params) => utils.validateHmac(params, { signator: "appProxy" });
}
