export { STAND_IN_API_VERSION } from "./api-version";
export { manualClock, systemClock, type Clock, type ManualClock } from "./clock";
export { shopifyHandlers, type AppCredentials } from "./handlers";
export type * from "./records";
export type { RequestLogEntry } from "./request-log";
export { mintSessionToken, type MintSessionTokenInput } from "./session-token";
export { setupShopifyStandIn, type ShopifyStandInServer } from "./setup-server";
export { signAppProxyUrl, type SignAppProxyUrlInput } from "./sign-app-proxy-url";
export { signWebhook, type SignedWebhook, type SignWebhookInput } from "./sign-webhook";
export {
  ShopifyStandIn,
  type InjectedFailure,
  type SeedCustomer,
  type SeedOrder,
  type ShopifyStandInOptions,
} from "./stand-in";
