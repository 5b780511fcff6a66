import type { ShopState } from "../records";
import type { ShopifyStandIn } from "../stand-in";

/** Passed to every resolver: the stand-in and the state of the shop the token belongs to. */
export interface ResolverContext {
  standIn: ShopifyStandIn;
  state: ShopState;
}
