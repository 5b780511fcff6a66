import { discountMutations } from "./discounts";
import { metafieldMutations } from "./metafields";
import { queryRoot } from "./query-root";
import { storeCreditMutations } from "./store-credit";
import { tagMutations } from "./tags";

export { queryRoot };

/** Implemented Mutation fields; any other mutation is refused before execution. */
export const mutationRoot = {
  ...tagMutations,
  ...metafieldMutations,
  ...discountMutations,
  ...storeCreditMutations,
};
