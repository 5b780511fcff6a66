import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { closeSyncQueue } from "~/jobs/sync-queue.server";
import type { ShopifyStandIn } from "#test/mocks/shopify/stand-in";
import { isAppProxyPath } from "#test/mocks/storefront/proxy";
import { startStorefrontPreview, type StorefrontPreview } from "#test/mocks/storefront/server";
import { standInDuringFile } from "#test/support/stand-in";
import { serveAppBuild, type ServedApp } from "./app";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "./chromium";
import { seedStorefrontShop, type SeededShop } from "./seed";

// One storefront for a test file: the Shopify stand-in, a seeded shop, the
// app's production build and the storefront preview in this process, and
// Debian's Chromium driving the preview.

export interface StorefrontStack {
  standIn: ShopifyStandIn;
  seeded: SeededShop;
  app: ServedApp;
  preview: StorefrontPreview;
  browser: Browser;
}

export function storefrontDuringFile(): () => StorefrontStack {
  const standIn = standInDuringFile();
  let stack: StorefrontStack | undefined;
  beforeAll(async () => {
    const seeded = await seedStorefrontShop(standIn);
    const app = await serveAppBuild();
    const preview = await startStorefrontPreview({
      standIn,
      shop: seeded.shop,
      appUrl: app.url,
      apiSecret: process.env.SHOPIFY_API_SECRET!,
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    stack = { standIn, seeded, app, preview, browser };
  });
  afterAll(async () => {
    await stack?.browser.close();
    await stack?.preview.close();
    await stack?.app.close();
    await closeSyncQueue();
  });
  return () => {
    if (!stack) throw new Error("the storefront stack is not up yet (use it inside a test)");
    return stack;
  };
}

/** A fresh browser profile (no cookies), on the preview. */
export async function newPage(
  stack: StorefrontStack,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const context = await stack.browser.newContext({ baseURL: stack.preview.url, viewport: options.viewport });
  return context.newPage();
}

/** Signs the customer in through the preview's sign-in page, as a shopper would pick their account. */
export async function signIn(page: Page, customerId: string, localePrefix = ""): Promise<void> {
  await page.goto(`${localePrefix}/account/login`);
  await Promise.all([
    page.waitForURL(`**${localePrefix}/account`),
    page.locator(`button[name="customer_id"][value="${customerId}"]`).click(),
  ]);
}

/** Every request the page sends to the app proxy, as "METHOD /path", from now on. */
export function recordProxyRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (isAppProxyPath(pathname)) seen.push(`${request.method()} ${pathname}`);
  });
  return seen;
}
