import { statSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

// The theme app extension as Shopify reads it: blocks/*.liquid with their
// {% schema %}, locales/*.json, assets/. Read from disk on every page so an
// edit to the extension shows on the next reload.

export interface BlockSetting {
  id?: string;
  type: string;
  default?: unknown;
}

export interface BlockSchema {
  name: string;
  target: string;
  stylesheet?: string;
  javascript?: string;
  /** The wrapper element and its extra class. */
  tag?: string;
  class?: string;
  enabled_on?: { templates?: string[] };
  disabled_on?: { templates?: string[] };
  settings?: BlockSetting[];
}

export interface Block {
  handle: string;
  source: string;
  schema: BlockSchema;
}

const SCHEMA = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/;

export async function readBlock(extensionDir: string, handle: string): Promise<Block> {
  const source = await readFile(join(extensionDir, "blocks", `${handle}.liquid`), "utf8");
  const match = SCHEMA.exec(source);
  if (!match) throw new Error(`blocks/${handle}.liquid has no {% schema %}: Shopify refuses it`);
  // Shopify parses the schema as strict JSON (no comments, no trailing commas).
  return { handle, source, schema: JSON.parse(match[1]!) as BlockSchema };
}

export async function readBlocks(extensionDir: string): Promise<Block[]> {
  const files = await readdir(join(extensionDir, "blocks"));
  return Promise.all(
    files
      .filter((file) => file.endsWith(".liquid"))
      .sort()
      .map((file) => readBlock(extensionDir, file.slice(0, -".liquid".length))),
  );
}

/** Whether Shopify would render the block on this template (enabled_on / disabled_on). */
export function availableOn(schema: BlockSchema, template: string): boolean {
  const matches = (templates: string[] | undefined) =>
    templates?.some((t) => t === "*" || t === template || t === template.split("/")[0]);
  if (schema.enabled_on) return Boolean(matches(schema.enabled_on.templates));
  if (schema.disabled_on) return !matches(schema.disabled_on.templates);
  return true;
}

/** The extension's storefront locale files, keyed by locale ("en", "fr"); `default` names the default one. */
export interface Locales {
  default: string;
  files: Map<string, Record<string, unknown>>;
  schemaFiles: Map<string, Record<string, unknown>>;
}

export async function readLocales(extensionDir: string): Promise<Locales> {
  const dir = join(extensionDir, "locales");
  const files = new Map<string, Record<string, unknown>>();
  const schemaFiles = new Map<string, Record<string, unknown>>();
  let defaultLocale = "en";
  for (const file of await readdir(dir)) {
    const match = /^([A-Za-z-]+?)(\.default)?(\.schema)?\.json$/.exec(file);
    if (!match) continue;
    const [, locale, isDefault, isSchema] = match;
    if (isDefault) defaultLocale = locale!;
    const parsed = JSON.parse(await readFile(join(dir, file), "utf8")) as Record<string, unknown>;
    (isSchema ? schemaFiles : files).set(locale!, parsed);
  }
  return { default: defaultLocale, files, schemaFiles };
}

/** A version for asset URLs, so a changed file is fetched again despite the long cache lifetime. */
export function assetVersion(extensionDir: string, file: string): string {
  const info = statSync(join(extensionDir, "assets", file), { throwIfNoEntry: false });
  return info ? Math.trunc(info.mtimeMs).toString(36) : "missing";
}
