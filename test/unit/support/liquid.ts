// Renders the theme app extension's blocks with liquidjs and just enough of
// Shopify's Liquid to assert what shoppers see: the `t` filter (with plurals
// and `_html` escaping rules), `asset_url`, `json`, `money`, Ruby's integer
// `divided_by`, and the `{% schema %}` tag. Not a storefront: the full preview
// lives in test/mocks/storefront/.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Liquid, Tag, type Context, type Emitter, type TagToken, type TopLevelToken } from "liquidjs";
import { blockSchema } from "../../../scripts/extension-weight";
import { shopifyJson } from "../../mocks/storefront/liquid";

export type Locale = "en" | "fr" | "de";
type Translations = { [key: string]: string | Translations };

export function localeFile(locale: Locale, kind: "storefront" | "schema" = "storefront"): string {
  const base = locale === "en" ? "en.default" : locale;
  return kind === "schema" ? `${base}.schema.json` : `${base}.json`;
}

export function readLocale(dir: string, locale: Locale, kind: "storefront" | "schema" = "storefront") {
  return JSON.parse(
    readFileSync(path.join(dir, "locales", localeFile(locale, kind)), "utf8"),
  ) as Translations;
}

export interface SchemaSetting {
  id: string;
  type: string;
  default?: unknown;
}

/** block.settings as Shopify fills them for a block the merchant has just added. */
export function defaultSettings(source: string): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const setting of (blockSchema(source).settings as SchemaSetting[] | undefined) ?? []) {
    settings[setting.id] = setting.default ?? (setting.type === "checkbox" ? false : null);
  }
  return settings;
}

const escapeHtml = (value: unknown) =>
  String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");

function lookup(translations: Translations, key: string): string | Translations | undefined {
  let node: string | Translations | undefined = translations;
  for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
  return node;
}

/**
 * Shopify's `t`: looks the key up in the shopper's locale, then the default;
 * picks a plural form by `count`; interpolates `{{ name }}`, escaping the
 * values unless the key ends in `_html`.
 */
function translate(
  locale: Locale,
  own: Translations,
  fallback: Translations,
  key: string,
  vars: Array<[string, unknown]>,
) {
  const found = lookup(own, key) ?? lookup(fallback, key);
  const values = Object.fromEntries(vars);
  let text = found;
  if (typeof found === "object") {
    const count = Number(values.count);
    const category = count === 0 && found.zero ? "zero" : new Intl.PluralRules(locale).select(count);
    text = found[category] ?? found.other;
  }
  if (typeof text !== "string") return `Translation missing: ${locale}.${key}`;
  const raw = key.endsWith("_html");
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) =>
    raw ? String(values[name] ?? "") : escapeHtml(values[name]),
  );
}

class SchemaTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    while (remainTokens.length > 0) {
      const next = remainTokens.shift();
      if (next && "name" in next && next.name === "endschema") return;
    }
    throw new Error("{% schema %} is not closed");
  }

  *render(_ctx: Context, _emitter: Emitter): Generator<unknown, void, unknown> {}
}

export interface RenderInput {
  locale?: Locale;
  /** app.metafields.tally.program.value; omit for a shop that saved nothing yet. */
  program?: unknown;
  customer?: Record<string, unknown> | null;
  product?: Record<string, unknown> | null;
  rootUrl?: string;
  settings?: Record<string, unknown>;
}

export function extensionRenderer(dir: string) {
  const translations = {
    en: readLocale(dir, "en"),
    fr: readLocale(dir, "fr"),
    de: readLocale(dir, "de"),
  };

  function engine(locale: Locale) {
    const liquid = new Liquid({
      root: [path.join(dir, "snippets")],
      extname: ".liquid",
      strictFilters: true,
      dynamicPartials: true,
    });
    liquid.registerTag("schema", SchemaTag);
    liquid.registerFilter("t", (key: string, ...vars: Array<[string, unknown]>) =>
      translate(locale, translations[locale], translations.en, key, vars),
    );
    liquid.registerFilter(
      "asset_url",
      (name: string) => `//cdn.shopify.test/extensions/tally-loyalty/assets/${name}`,
    );
    liquid.registerFilter("json", shopifyJson);
    liquid.registerFilter("money", (cents: number) => `$${(Number(cents) / 100).toFixed(2)}`);
    // Ruby divides integers to an integer; liquidjs would return 19.99.
    liquid.registerFilter("divided_by", (dividend: number, divisor: number) =>
      Number.isInteger(Number(dividend)) && Number.isInteger(Number(divisor))
        ? Math.floor(Number(dividend) / Number(divisor))
        : Number(dividend) / Number(divisor),
    );
    return liquid;
  }

  return {
    translations,
    /** Renders blocks/<name>.liquid as a shopper in `locale` would get it. */
    async renderBlock(name: string, input: RenderInput = {}): Promise<string> {
      const locale = input.locale ?? "en";
      const source = readFileSync(path.join(dir, "blocks", `${name}.liquid`), "utf8");
      const rootUrl = input.rootUrl ?? (locale === "en" ? "/" : `/${locale}`);
      const globals = {
        app: {
          metafields: { tally: input.program === undefined ? {} : { program: { value: input.program } } },
        },
        customer: input.customer ?? null,
        product: input.product ?? null,
        routes: {
          root_url: rootUrl,
          account_login_url: `${rootUrl.replace(/\/$/, "")}/account/login`,
          account_register_url: `${rootUrl.replace(/\/$/, "")}/account/register`,
        },
      };
      const block = {
        id: `tally-${name}`,
        shopify_attributes: "",
        settings: { ...defaultSettings(source), ...input.settings },
      };
      return engine(locale).parseAndRender(source, { block }, { globals });
    },
  };
}

/** A customer as Liquid sees one, with the balance the app keeps on it. */
export function liquidCustomer(points?: number, firstName = "Ada") {
  return {
    id: 7001,
    first_name: firstName,
    email: "ada@example.com",
    metafields: { "$app:tally": points === undefined ? {} : { points_balance: { value: points } } },
  };
}

/** A product as Liquid sees one: prices in minor units. */
export function liquidProduct(prices: number[], selected = 0) {
  const variants = prices.map((price, index) => ({ id: 4100 + index, price, available: true }));
  return {
    id: 9001,
    title: "Wool socks",
    price: variants[0]?.price,
    variants,
    selected_or_first_available_variant: variants[selected],
  };
}
