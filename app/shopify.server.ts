import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { PrismaSessionStorage } from "~/models/session.server";
import { runAfterInstall } from "~/models/install.server";
import { warnThrottled } from "~/throttled-log.server";

export const API_VERSION = ApiVersion.October26;

const env = getEnv();

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: env.SCOPES.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  // The library logs every proxy and webhook request at info level: noise on
  // the hot path. Warnings and errors still reach the logs.
  // Its warnings are about requests it refused (an exit-iframe link to
  // elsewhere, say), which anyone can send at will: counted, not one line each.
  logger: {
    level: env.NODE_ENV === "development" ? LogSeverity.Info : LogSeverity.Warning,
    log: (severity, message) => {
      if (severity === LogSeverity.Warning) return warnThrottled(message.split(" | ")[0]!, message);
      (severity === LogSeverity.Error ? console.error : console.info)(message);
    },
  },
  // Shopify-managed installation: the first embedded request's session token
  // is exchanged for the offline token, then afterAuth sets the shop up.
  future: { unstable_newEmbeddedAuthStrategy: true },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await runAfterInstall(session.shop, admin.graphql);
    },
  },
});

export default shopify;
export const authenticate = {
  ...shopify.authenticate,
  admin: (request: Request) => {
    refuseUnreadableHost(request);
    return shopify.authenticate.admin(request);
  },
};
export const unauthenticated = shopify.unauthenticated;
export const sessionStorage = shopify.sessionStorage;

// The library reads ?host= as base64 and passes the result to `new URL`
// without a try: base64 of anything that is not a host name was a 500.
// Shopify's own host parameter always decodes to one (admin.shopify.com/store/…).
function refuseUnreadableHost(request: Request): void {
  const host = new URL(request.url).searchParams.get("host");
  if (host === null || !/^[0-9a-zA-Z+/]+={0,2}$/.test(host)) return;
  let readable: boolean;
  try {
    readable = URL.canParse(`https://${atob(host)}`);
  } catch {
    readable = false;
  }
  if (!readable) {
    throw new Response("The host parameter is not one Shopify sends.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}
