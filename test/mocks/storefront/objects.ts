import type { MetafieldRecord } from "../shopify/records";
import type { ShopifyStandIn } from "../shopify/stand-in";
import { CATALOGUE, type CatalogueProduct } from "./catalogue";

// The Liquid objects Shopify gives a storefront page, built from the stand-in
// (shop, customer and their metafields, the app's AppInstallation metafields)
// and the preview's catalogue.

export interface PageContext {
  shop: string;
  /** The request locale ("fr"); `locales[0]` is the shop's primary one, served without a prefix. */
  locale: string;
  locales: readonly string[];
  /** Shopify's template name: "index", "product", "customers/login", "customers/account". */
  template: string;
  path: string;
  origin: string;
  /** The signed-in customer's numeric id, null for a guest. */
  customerId: string | null;
  product?: CatalogueProduct;
  /** `?variant=` on a product page. */
  variantId?: number;
}

const MONEY_FORMATS: Record<string, string> = {
  USD: "${{amount}}",
  CAD: "${{amount}}",
  GBP: "£{{amount}}",
  EUR: "€{{amount_with_comma_separator}}",
};

const LANGUAGE_NAMES: Record<string, string> = { en: "English", fr: "français", de: "Deutsch" };

/** Liquid's `metafield.value`: json and lists parsed, numbers and booleans typed. */
function metafieldValue(record: MetafieldRecord): unknown {
  if (record.type === "json" || record.type.startsWith("list.")) return JSON.parse(record.value);
  if (record.type === "number_integer" || record.type === "number_decimal") return Number(record.value);
  if (record.type === "boolean") return record.value === "true";
  return record.value;
}

/**
 * `owner.metafields[namespace][key]` → `{ value, type }`. An app-reserved
 * namespace (`app--<appId>--tally`) is also reachable as `$app:tally`, the
 * way Liquid resolves `$app` for the app's own extension.
 */
export function metafieldsObject(standIn: ShopifyStandIn, records: MetafieldRecord[]) {
  const reserved = `app--${standIn.appId}`;
  const namespaces: Record<string, Record<string, { value: unknown; type: string }>> = {};
  for (const record of records) {
    const entry = { value: metafieldValue(record), type: record.type };
    const names = [record.namespace];
    if (record.namespace === reserved) names.push("$app");
    if (record.namespace.startsWith(`${reserved}--`)) {
      names.push(`$app:${record.namespace.slice(reserved.length + 2)}`);
    }
    for (const name of names) (namespaces[name] ??= {})[record.key] = entry;
  }
  return namespaces;
}

export function routesFor(locale: string, primary: string) {
  const prefix = locale === primary ? "" : `/${locale}`;
  return {
    root_url: prefix || "/",
    account_url: `${prefix}/account`,
    account_login_url: `${prefix}/account/login`,
    account_logout_url: `${prefix}/account/logout`,
    account_register_url: `${prefix}/account/register`,
    cart_url: `${prefix}/cart`,
    cart_add_url: `${prefix}/cart/add`,
    search_url: `${prefix}/search`,
    all_products_collection_url: `${prefix}/collections/all`,
  };
}

function productObject(product: CatalogueProduct, prefix: string, variantId: number | undefined) {
  const url = `${prefix}/products/${product.handle}`;
  const variants = product.variants.map((v) => ({
    ...v,
    compare_at_price: null,
    option1: v.title,
    url: `${url}?variant=${v.id}`,
  }));
  const prices = variants.map((v) => v.price);
  const selected = variants.find((v) => v.id === variantId) ?? null;
  const firstAvailable = variants.find((v) => v.available) ?? null;
  return {
    id: product.id,
    handle: product.handle,
    title: product.title,
    description: product.description,
    url,
    price: Math.min(...prices),
    price_min: Math.min(...prices),
    price_max: Math.max(...prices),
    price_varies: Math.min(...prices) !== Math.max(...prices),
    available: firstAvailable !== null,
    has_only_default_variant: variants.length === 1 && variants[0]!.title === "Default Title",
    options: ["Title"],
    variants,
    selected_variant: selected,
    first_available_variant: firstAvailable,
    selected_or_first_available_variant: selected ?? firstAvailable ?? variants[0],
    featured_image: null,
  };
}

/** Every global object the page's Liquid (theme and extension) can read. */
export function liquidGlobals(standIn: ShopifyStandIn, page: PageContext): Record<string, unknown> {
  const state = standIn.state(page.shop);
  const primary = page.locales[0]!;
  const routes = routesFor(page.locale, primary);
  const prefix = routes.root_url === "/" ? "" : routes.root_url;
  const language = (iso: string) => ({
    iso_code: iso,
    primary: iso === primary,
    root_url: routesFor(iso, primary).root_url,
    name: LANGUAGE_NAMES[iso] ?? iso,
    endonym_name: LANGUAGE_NAMES[iso] ?? iso,
  });
  const customerRecord = page.customerId
    ? standIn.customer(page.shop, `gid://shopify/Customer/${page.customerId}`)
    : undefined;
  const customer = customerRecord && {
    id: Number(page.customerId),
    first_name: customerRecord.firstName,
    last_name: customerRecord.lastName,
    name: [customerRecord.firstName, customerRecord.lastName].filter(Boolean).join(" "),
    email: customerRecord.email,
    tags: customerRecord.tags,
    metafields: metafieldsObject(standIn, standIn.metafieldsOf(page.shop, customerRecord.id)),
  };
  const currency = state.shop.currencyCode;
  return {
    shop: {
      name: state.shop.name,
      permanent_domain: page.shop,
      domain: page.shop,
      url: page.origin,
      currency,
      money_format: MONEY_FORMATS[currency] ?? `{{amount}} ${currency}`,
      money_with_currency_format: `${MONEY_FORMATS[currency] ?? "{{amount}}"} ${currency}`,
      locale: primary,
    },
    customer: customer ?? null,
    app: {
      metafields: metafieldsObject(standIn, standIn.metafieldsOf(page.shop, state.shop.appInstallationId)),
    },
    routes,
    request: {
      locale: language(page.locale),
      page_type: page.template.replace("customers/", ""),
      path: page.path,
      host: new URL(page.origin).host,
      origin: page.origin,
      design_mode: false,
    },
    localization: { language: language(page.locale), available_languages: page.locales.map(language) },
    template: {
      name: page.template.split("/").pop(),
      directory: page.template.includes("/") ? "customers" : null,
    },
    product: page.product ? productObject(page.product, prefix, page.variantId) : null,
    collections: { all: { products: CATALOGUE.map((p) => productObject(p, prefix, undefined)) } },
  };
}
