import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { PrismaSessionStorage } from "~/models/session.server";
import { runAfterInstall } from "~/models/install.server";

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
  logger: { level: env.NODE_ENV === "development" ? LogSeverity.Info : LogSeverity.Warning },
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
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const sessionStorage = shopify.sessionStorage;
