import { join, sep } from "node:path";
import { Liquid, TokenKind, type Context, type FilterImplOptions, type TagToken } from "liquidjs";
import {
  assetVersion,
  availableOn,
  readBlock,
  readBlocks,
  readLocales,
  type Block,
  type Locales,
} from "./extension";
import { formatMoney } from "./money";
import { translate, translateSchema } from "./translations";

// The renderer: liquidjs set up to behave like Shopify's Liquid for a theme
// and one theme app extension. Shopify's objects are render globals, so
// snippets rendered with {% render %} see them as on Shopify; `block` is a
// block's own scope. A page renders its template (app blocks placed with
// {% app_block 'handle' %}), then the app embeds, then the layout, and
// injects what Shopify injects: each rendered block's schema stylesheet and
// javascript once in <head>, the embeds before </body>.

export interface RendererOptions {
  extensionDir: string;
  themeDir: string;
  /** Where the server serves the extension's assets/. */
  assetPath: string;
}

export interface PageRender {
  template: string;
  locale: string;
  globals: Record<string, unknown>;
  /** false renders the page without any of the extension (no blocks, embeds or assets). */
  extension: boolean;
  /** Overrides of block settings, by block handle. */
  blockSettings?: Record<string, Record<string, unknown>>;
}

/** Per-page state, reachable from filters and tags through the render globals. */
interface PageState {
  page: PageRender;
  globals: Record<string | symbol, unknown>;
  extensionLocales: Locales;
  themeLocales: Locales;
  stylesheets: Set<string>;
  scripts: Set<string>;
  blockCount: number;
}

const PAGE = Symbol("page");
type FilterHandler = Extract<FilterImplOptions, (...args: never[]) => unknown>;
type FilterImpl = ThisParameterType<FilterHandler>;

const stateOf = (ctx: Context) => (ctx.globals as { [PAGE]: PageState })[PAGE];

function settingsOf(block: Block, locales: Locales, state: PageState): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const setting of block.schema.settings ?? []) {
    if (!setting.id) continue;
    const fallback = setting.type === "checkbox" ? false : null;
    settings[setting.id] = translateSchema(locales, state.page.locale, setting.default ?? fallback);
  }
  return { ...settings, ...state.page.blockSettings?.[block.handle] };
}

export function createRenderer(options: RendererOptions) {
  const engine = new Liquid({
    root: [options.themeDir],
    partials: [join(options.extensionDir, "snippets")],
    extname: ".liquid",
    strictFilters: true,
    ownPropertyOnly: true,
    cache: false,
  });
  const fromExtension = (file: string | undefined) =>
    file !== undefined && file.startsWith(options.extensionDir + sep);
  const assetUrl = (file: string) =>
    `${options.assetPath}/${file}?v=${assetVersion(options.extensionDir, file)}`;

  async function renderBlock(block: Block, state: PageState): Promise<string> {
    const id = `tally-${block.handle}-${++state.blockCount}`;
    if (block.schema.stylesheet) state.stylesheets.add(block.schema.stylesheet);
    if (block.schema.javascript) state.scripts.add(block.schema.javascript);
    const templates = engine.parse(
      block.source,
      join(options.extensionDir, "blocks", `${block.handle}.liquid`),
    );
    const scope = {
      block: {
        id,
        type: `shopify://apps/tally/blocks/${block.handle}`,
        settings: settingsOf(block, state.extensionLocales, state),
        shopify_attributes: "",
      },
    };
    const html: string = await engine.render(templates, scope, { globals: state.globals });
    const tag = block.schema.tag ?? "div";
    const classes = ["shopify-block", "shopify-app-block", block.schema.class].filter(Boolean).join(" ");
    return `<${tag} id="shopify-block-${id}" class="${classes}">${html}</${tag}>`;
  }

  // Shopify strips the schema from the output; its JSON is read in extension.ts.
  engine.registerTag("schema", {
    parse(_token: TagToken, remaining) {
      while (remaining.length) {
        const token = remaining.shift()!;
        if ("name" in token && token.name === "endschema") return;
      }
      throw new Error("{% schema %} is not closed");
    },
    render: () => "",
  });

  // Where the merchant placed an app block in the theme editor.
  engine.registerTag("app_block", {
    parse(token: TagToken) {
      this.handle = token.args.trim().replace(/^['"]|['"]$/g, "");
    },
    *render(ctx: Context): Generator<Promise<unknown>, unknown, unknown> {
      const state = stateOf(ctx);
      if (!state.page.extension) return "";
      const block = (yield readBlock(options.extensionDir, this.handle as string)) as Block;
      if (block.schema.target !== "section") throw new Error(`${block.handle} is not an app block`);
      if (!availableOn(block.schema, state.page.template)) return "";
      return yield renderBlock(block, state);
    },
  });

  const filters: Record<string, (this: FilterImpl, value: unknown, ...args: unknown[]) => unknown> = {
    t(key, ...args) {
      const state = stateOf(this.context);
      const named = Object.fromEntries(args.filter(Array.isArray) as Array<[string, unknown]>);
      const locales = fromExtension(this.token.file) ? state.extensionLocales : state.themeLocales;
      return translate(locales, state.page.locale, String(key), named);
    },
    asset_url: (file) => assetUrl(String(file)),
    stylesheet_tag: (url) => `<link href="${url}" rel="stylesheet" type="text/css" media="all" />`,
    script_tag: (url) => `<script src="${url}" type="text/javascript"></script>`,
    money(cents) {
      return formatMoney(cents, moneyFormat(this.context, "money_format"));
    },
    money_with_currency(cents) {
      return formatMoney(cents, moneyFormat(this.context, "money_with_currency_format"));
    },
    money_without_currency: (cents) => (Number(cents ?? 0) / 100).toFixed(2),
    json: shopifyJson,
    // Ruby Liquid: an integer divided by an integer is floored (the contract's
    // FLOOR points estimate relies on it); a float literal (100.0) divides exactly.
    divided_by(dividend, divisor) {
      const literal = this.token.args[0];
      const floatLiteral =
        literal &&
        !Array.isArray(literal) &&
        literal.kind === TokenKind.Number &&
        literal.getText().includes(".");
      const a = Number(dividend);
      const b = Number(divisor);
      return Number.isInteger(a) && Number.isInteger(b) && !floatLiteral ? Math.floor(a / b) : a / b;
    },
  };
  filters.translate = filters.t!;
  for (const [name, handler] of Object.entries(filters)) engine.registerFilter(name, handler);

  return {
    /** The page's full HTML, as Shopify would serve it with the extension installed (or not). */
    async renderPage(page: PageRender): Promise<string> {
      const state: PageState = {
        page,
        globals: {},
        extensionLocales: await readLocales(options.extensionDir),
        themeLocales: await readLocales(options.themeDir),
        stylesheets: new Set(),
        scripts: new Set(),
        blockCount: 0,
      };
      const globals = (state.globals = { ...page.globals, [PAGE]: state });
      const content = await engine.renderFile(`templates/${page.template}`, {}, { globals });
      let embeds = "";
      if (page.extension) {
        for (const block of await readBlocks(options.extensionDir)) {
          if (block.schema.target === "body" && availableOn(block.schema, page.template)) {
            embeds += await renderBlock(block, state);
          }
        }
      }
      const header = [
        ...[...state.stylesheets].map((file) => `<link rel="stylesheet" href="${assetUrl(file)}">`),
        ...[...state.scripts].map((file) => `<script src="${assetUrl(file)}" defer></script>`),
      ].join("\n");
      const html: string = await engine.renderFile(
        "layout/theme",
        { content_for_layout: content, content_for_header: header },
        { globals },
      );
      const end = html.lastIndexOf("</body>");
      return end === -1 ? html + embeds : html.slice(0, end) + embeds + html.slice(end);
    },
  };
}

function moneyFormat(ctx: Context, name: string): string {
  const shop = (ctx.globals as { shop?: Record<string, string> }).shop;
  return shop?.[name] ?? "{{amount}}";
}

/** Shopify's `json` filter: safe inside <script>, the same JSON with nothing that could end the element. */
export const shopifyJson = (value: unknown): string =>
  JSON.stringify(value ?? null).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
