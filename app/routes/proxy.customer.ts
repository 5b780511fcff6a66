import type { LoaderFunctionArgs } from "@remix-run/node";
import { customerSummary } from "~/models/storefront.server";
import { authenticate } from "~/shopify.server";

// GET /apps/tally/customer on the storefront, forwarded by Shopify's app proxy.
export async function loader({ request }: LoaderFunctionArgs) {
  // Throws 400 on a bad or stale signature, before any database work.
  const { session } = await authenticate.public.appProxy(request);
  const params = new URL(request.url).searchParams;
  const body = await customerSummary({
    installed: Boolean(session),
    shop: params.get("shop") ?? "",
    loggedInCustomerId: params.get("logged_in_customer_id") ?? "",
  });
  // Not Response.json: remix-serve installs a fetch polyfill whose Response lacks it.
  return new Response(JSON.stringify(body.json), {
    status: body.status,
    headers: { "Content-Type": "application/json", "Cache-Control": "private, no-store" },
  });
}
