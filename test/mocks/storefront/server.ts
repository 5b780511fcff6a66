import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import compression from "compression";
import express, { type Request, type Response } from "express";
import type { ShopifyStandIn } from "../shopify/stand-in";
import { productByHandle } from "./catalogue";
import { createRenderer } from "./liquid";
import { liquidGlobals, routesFor, type PageContext } from "./objects";
import { forwardToApp, PROXY_PREFIX } from "./proxy";

// The local storefront: the shop's pages rendered from the minimal theme in
// theme/ with the extension's real blocks, its assets, a stand-in sign-in,
// and the app proxy. See README.md.

export interface StorefrontPreviewOptions {
  standIn: ShopifyStandIn;
  /** The shop's myshopify domain; it must exist in the stand-in. */
  shop: string;
  /** Where the app proxy forwards to (the app's SHOPIFY_APP_URL). */
  appUrl: string;
  /** The app's API secret, which signs forwarded requests. */
  apiSecret: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** "127.0.0.1" unless told; "::" listens on every interface. */
  host?: string;
  extensionDir?: string;
  /** The shop's languages, primary first; the others are served under /<locale>/. */
  locales?: string[];
  /** Overrides of block settings by block handle (the merchant's choices in the theme editor). */
  blockSettings?: Record<string, Record<string, unknown>>;
}

export interface StorefrontPreview {
  url: string;
  close(): Promise<void>;
}

export const CUSTOMER_COOKIE = "storefront_customer";
const DEFAULT_EXTENSION = fileURLToPath(new URL("../../../extensions/tally-loyalty", import.meta.url));
const THEME_DIR = fileURLToPath(new URL("./theme", import.meta.url));
const ASSET_PATH = "/cdn/extensions/tally-loyalty/assets";

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

export async function startStorefrontPreview(options: StorefrontPreviewOptions): Promise<StorefrontPreview> {
  const { standIn, shop } = options;
  standIn.state(shop);
  const extensionDir = options.extensionDir ?? DEFAULT_EXTENSION;
  const locales = options.locales ?? ["en", "fr", "de"];
  const renderer = createRenderer({ extensionDir, themeDir: THEME_DIR, assetPath: ASSET_PATH });

  /** The signed-in customer's numeric id: the stand-in's sign-in, kept in a cookie. */
  const customerIdOf = (req: Request): string | null => {
    const id = cookie(req, CUSTOMER_COOKIE);
    return id && /^\d+$/.test(id) && standIn.customer(shop, `gid://shopify/Customer/${id}`) ? id : null;
  };
  const localeOf = (req: Request) => req.baseUrl.slice(1) || locales[0]!;
  const routesOf = (req: Request) => routesFor(localeOf(req), locales[0]!);

  async function render(
    req: Request,
    res: Response,
    page: Pick<PageContext, "template" | "product" | "variantId"> & { extras?: Record<string, unknown> },
    status = 200,
  ) {
    const context: PageContext = {
      ...page,
      shop,
      locale: localeOf(req),
      locales,
      path: req.originalUrl.split("?")[0]!,
      origin: `${req.protocol}://${req.get("host")}`,
      customerId: customerIdOf(req),
    };
    try {
      const html = await renderer.renderPage({
        template: page.template,
        locale: context.locale,
        globals: { ...liquidGlobals(standIn, context), ...page.extras },
        extension: req.query.tally !== "off",
        blockSettings: options.blockSettings,
      });
      res.status(status).set("Cache-Control", "private, no-store").type("html").send(html);
    } catch (error) {
      // Shopify shows Liquid errors in the page; here the whole page is the error.
      res
        .status(500)
        .type("text/plain")
        .send(`Liquid error: ${(error as Error).stack ?? error}`);
    }
  }

  const pages = express.Router();
  pages.get("/", (req, res) => render(req, res, { template: "index" }));
  pages.get("/products/:handle", (req, res) => {
    const product = productByHandle(req.params.handle!);
    if (!product) return render(req, res, { template: "404" }, 404);
    return render(req, res, {
      template: "product",
      product,
      variantId: Number(req.query.variant) || undefined,
      extras: { page_title: product.title },
    });
  });
  // Signing up is Shopify's business too: the same pick of an existing customer.
  pages.get(["/account/login", "/account/register"], (req, res) =>
    render(req, res, {
      template: "customers/login",
      extras: {
        return_to: typeof req.query.return_to === "string" ? req.query.return_to : "",
        preview_customers: [...standIn.state(shop).customers.values()].map((c) => ({
          id: c.id.split("/").pop(),
          name: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.id,
          email: c.email ?? "",
        })),
      },
    }),
  );
  pages.post("/account/login", express.urlencoded({ extended: false }), (req, res) => {
    const id = String(req.body?.customer_id ?? "");
    if (!/^\d+$/.test(id) || !standIn.customer(shop, `gid://shopify/Customer/${id}`)) {
      return res.status(422).type("text/plain").send("No such customer in the shop");
    }
    res.cookie(CUSTOMER_COOKIE, id, { httpOnly: true, sameSite: "lax", path: "/" });
    const returnTo = String(req.body?.return_to ?? "");
    res.redirect(
      303,
      returnTo.startsWith("/") && !returnTo.startsWith("//") ? returnTo : routesOf(req).account_url,
    );
  });
  pages.get("/account/logout", (req, res) => {
    res.clearCookie(CUSTOMER_COOKIE, { path: "/" });
    res.redirect(303, routesOf(req).root_url);
  });
  pages.get("/account", (req, res) => {
    if (!customerIdOf(req)) return res.redirect(303, routesOf(req).account_login_url);
    return render(req, res, { template: "customers/account" });
  });
  pages.post("/cart/add", (req, res) => res.redirect(303, req.get("referer") ?? "/"));
  pages.all(
    [PROXY_PREFIX, `${PROXY_PREFIX}/*`],
    express.raw({ type: () => true, limit: "1mb" }),
    (req, res) => forwardToApp(options, req, res, req.path.slice(PROXY_PREFIX.length), customerIdOf(req)),
  );
  pages.use((req, res) => render(req, res, { template: "404" }, 404));

  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use(ASSET_PATH, express.static(`${extensionDir}/assets`, { immutable: true, maxAge: "1y" }));
  app.use(
    locales.slice(1).map((locale) => `/${locale}`),
    pages,
  );
  app.use(pages);

  const host = options.host ?? "127.0.0.1";
  const server = app.listen(options.port ?? 0, host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === "::" || host === "0.0.0.0" ? "localhost" : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
