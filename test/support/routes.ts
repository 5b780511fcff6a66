import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

type Handler<T> = (args: ActionFunctionArgs & LoaderFunctionArgs) => Promise<T> | T;

/**
 * Calls a route's loader or action the way Remix does. Remix turns a thrown
 * Response (shopify-app-remix's 401/400 refusals) into the reply, so the
 * tests do the same.
 */
export async function callRoute<T>(handler: Handler<T>, request: Request): Promise<T | Response> {
  try {
    return await handler({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
