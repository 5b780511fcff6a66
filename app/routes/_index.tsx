import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// Shopify opens the app at the root with ?shop=…; the admin lives under /app.
export const loader = ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return new Response("Tally: a Shopify loyalty app. Open it from your Shopify admin.", {
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
};
