// Shopify's app template answers here with a form asking for the shop's
// myshopify.com domain, for apps installed outside the App Store. Tally is an
// App Store app with Shopify-managed install: Shopify installs and opens it
// from the admin, and the App Store's rules forbid asking a merchant to type
// their shop's domain. shopify-app-remix still sends a visitor here when an
// admin URL comes without a shop (someone opening /app directly), so the
// answer says where the app lives, as a 404: there is nothing to log in to.
export const loader = () =>
  new Response("Not Found. Tally opens from your Shopify admin: Apps › Tally.", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
