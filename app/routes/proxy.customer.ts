import type { LoaderFunctionArgs } from "@remix-run/node";
import { toResponse } from "~/proxy.server";
import { customerAnswer } from "~/services/storefront-answer.server";

// GET /apps/tally/customer on the storefront, forwarded by Shopify's app proxy:
// everything the widgets show a member, in one request (docs/storefront.md).
// The production server answers this path without Remix (server/proxy-answers.ts).
export async function loader({ request }: LoaderFunctionArgs) {
  return toResponse(await customerAnswer(new URL(request.url).search));
}
