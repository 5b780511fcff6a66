import type { Locales } from "./extension";

// Shopify's `t` filter for a theme app extension: the key is looked up in the
// request locale's file, then in the default locale's; a missing key renders
// "Translation missing: <locale>.<key>" as on Shopify, so gaps are visible.
// `count` picks the plural form (an explicit `zero` for 0, then the locale's
// CLDR category, then `other`); other arguments fill `{{ name }}`. Values are
// HTML-escaped unless the key ends in `_html`.

type Tree = Record<string, unknown>;

function lookup(tree: Tree | undefined, key: string): unknown {
  let node: unknown = tree;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Tree)[part];
  }
  return node;
}

function plural(forms: Tree, locale: string, count: unknown): unknown {
  const n = Number(count);
  if (n === 0 && typeof forms.zero === "string") return forms.zero;
  const category = new Intl.PluralRules(locale).select(n);
  return forms[category] ?? forms.other;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function translate(
  locales: Locales,
  locale: string,
  key: string,
  args: Record<string, unknown> = {},
): string {
  let found = lookup(locales.files.get(locale), key);
  if (found === undefined) found = lookup(locales.files.get(locales.default), key);
  if (found !== null && typeof found === "object" && "count" in args) {
    found = plural(found as Tree, locale, args.count);
  }
  if (typeof found !== "string") return `Translation missing: ${locale}.${key}`;
  const raw = key.endsWith("_html");
  return found.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
    const value = args[name];
    if (value === undefined || value === null) return "";
    return raw ? String(value) : escapeHtml(String(value));
  });
}

/** A schema string such as "t:settings.heading.default", resolved from the schema locale files. */
export function translateSchema(locales: Locales, locale: string, value: unknown): unknown {
  if (typeof value !== "string" || !value.startsWith("t:")) return value;
  const key = value.slice(2);
  const found =
    lookup(locales.schemaFiles.get(locale), key) ?? lookup(locales.schemaFiles.get(locales.default), key);
  return typeof found === "string" ? found : `Translation missing: ${locale}.${key}`;
}
