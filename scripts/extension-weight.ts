// What the theme app extension costs a storefront, measured the way Shopify
// counts it: JavaScript and CSS referenced by block schemas, gzipped (level 9);
// Liquid across blocks and snippets, raw; each locale file, raw. Used by
// scripts/extension-budget.ts, the unit tests and the benchmark.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** Shopify's limits (docs "File and content size limits"), rounded down to decimal kilobytes. */
export const BUDGETS = {
  jsGzipBytes: 10_000,
  cssGzipBytes: 10_000,
  liquidBytes: 100_000,
  localeFileBytes: 15_000,
} as const;

export interface ExtensionFile {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Named by a block schema's "javascript" or "stylesheet" key, so Shopify loads it. */
  referenced: boolean;
}

export interface ExtensionWeight {
  jsGzipBytes: number;
  cssGzipBytes: number;
  liquidBytes: number;
  largestLocaleBytes: number;
  files: ExtensionFile[];
}

/** The `{% schema %}` JSON of a block. */
export function blockSchema(source: string): Record<string, unknown> {
  const match = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(source);
  if (!match?.[1]) throw new Error("block has no {% schema %}");
  return JSON.parse(match[1]) as Record<string, unknown>;
}

/** Every file one level below the extension's folders (Shopify accepts no deeper ones). */
export function extensionFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((folder) => statSync(path.join(dir, folder)).isDirectory())
    .flatMap((folder) => readdirSync(path.join(dir, folder)).map((name) => `${folder}/${name}`))
    .sort();
}

/** Assets the block schemas load ("javascript" and "stylesheet" keys). */
export function referencedAssets(dir: string): Set<string> {
  const assets = new Set<string>();
  for (const file of extensionFiles(dir).filter((name) => name.startsWith("blocks/"))) {
    const schema = blockSchema(readFileSync(path.join(dir, file), "utf8"));
    for (const key of ["javascript", "stylesheet"]) {
      if (typeof schema[key] === "string") assets.add(`assets/${schema[key]}`);
    }
  }
  return assets;
}

export function measureExtension(dir: string): ExtensionWeight {
  const referenced = referencedAssets(dir);
  const files = extensionFiles(dir)
    .filter((file) => statSync(path.join(dir, file)).isFile())
    .map((file) => {
      const content = readFileSync(path.join(dir, file));
      return {
        path: file,
        bytes: content.length,
        gzipBytes: gzipSync(content, { level: 9 }).length,
        referenced: referenced.has(file),
      };
    });
  const sum = (list: ExtensionFile[], key: "bytes" | "gzipBytes") =>
    list.reduce((total, file) => total + file[key], 0);
  const loaded = files.filter((file) => file.referenced);
  return {
    jsGzipBytes: sum(
      loaded.filter((file) => file.path.endsWith(".js")),
      "gzipBytes",
    ),
    cssGzipBytes: sum(
      loaded.filter((file) => file.path.endsWith(".css")),
      "gzipBytes",
    ),
    liquidBytes: sum(
      files.filter((file) => file.path.endsWith(".liquid")),
      "bytes",
    ),
    largestLocaleBytes: Math.max(
      0,
      ...files.filter((f) => f.path.startsWith("locales/")).map((f) => f.bytes),
    ),
    files,
  };
}

/** One line per budget the extension exceeds; empty when it fits. */
export function overBudget(weight: ExtensionWeight): string[] {
  const checks: Array<[string, number, number]> = [
    ["JavaScript (gzip)", weight.jsGzipBytes, BUDGETS.jsGzipBytes],
    ["CSS (gzip)", weight.cssGzipBytes, BUDGETS.cssGzipBytes],
    ["Liquid", weight.liquidBytes, BUDGETS.liquidBytes],
    ["largest locale file", weight.largestLocaleBytes, BUDGETS.localeFileBytes],
  ];
  return checks
    .filter(([, bytes, budget]) => bytes > budget)
    .map(([what, bytes, budget]) => `${what}: ${bytes} bytes, over the ${budget}-byte budget`);
}
