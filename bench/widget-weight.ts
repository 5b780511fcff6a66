// What the theme app extension adds to a storefront page: its JavaScript and
// CSS as a browser downloads them (gzip, level 9) and its Liquid as Shopify
// renders it (raw bytes; Liquid never reaches the browser as such). Weighed
// by scripts/extension-weight.ts, the measure the extension's budget check
// uses; by a small fallback here while that module is not in the tree.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { repoRoot } from "./paths";

export interface FileWeight {
  /** Relative to the extension's folder. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export type WidgetWeight =
  | { measured: false; reason: string }
  | {
      measured: true;
      /** The module that weighed the files. */
      by: string;
      /** JavaScript and CSS the blocks' schemas load on every page that has a block. */
      javascript: FileWeight[];
      stylesheets: FileWeight[];
      /** assets/ files no schema names (loaded on demand, if at all). */
      otherAssets: FileWeight[];
      liquid: FileWeight[];
    };

/** A file as scripts/extension-weight.ts's measureExtension lists it. */
interface ExtensionFile {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Named by a block schema's "javascript" or "stylesheet" key. */
  referenced: boolean;
}

export const EXTENSION_DIR = join(repoRoot, "extensions", "tally-loyalty");
const SHARED_MEASURE = join(repoRoot, "scripts", "extension-weight.ts");

function isExtensionFile(value: unknown): value is ExtensionFile {
  const file = value as Partial<ExtensionFile> | null;
  return (
    typeof file?.path === "string" &&
    typeof file.bytes === "number" &&
    typeof file.gzipBytes === "number" &&
    typeof file.referenced === "boolean"
  );
}

/** The files as scripts/extension-weight.ts weighs them, or undefined when it is not there (or changed shape). */
async function sharedMeasure(dir: string): Promise<ExtensionFile[] | undefined> {
  if (!existsSync(SHARED_MEASURE)) return undefined;
  // A path in a variable: the module may not exist when this file is type-checked.
  const loaded = (await import(pathToFileURL(SHARED_MEASURE).href)) as {
    measureExtension?: (dir: string) => { files?: unknown };
  };
  const files = loaded.measureExtension?.(dir).files;
  return Array.isArray(files) && files.every(isExtensionFile) ? files : undefined;
}

/** The same measure, for a tree without the shared module: files of assets/, blocks/ and snippets/. */
async function ownMeasure(dir: string): Promise<ExtensionFile[]> {
  const list = async (folder: string) =>
    existsSync(join(dir, folder))
      ? (await readdir(join(dir, folder))).map((name) => `${folder}/${name}`)
      : [];
  const referenced = new Set<string>();
  for (const block of await list("blocks")) {
    const schema = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(
      await readFile(join(dir, block), "utf8"),
    );
    const parsed = schema ? (JSON.parse(schema[1]!) as Record<string, unknown>) : {};
    for (const key of ["javascript", "stylesheet"]) {
      if (typeof parsed[key] === "string") referenced.add(`assets/${parsed[key]}`);
    }
  }
  const files = [...(await list("assets")), ...(await list("blocks")), ...(await list("snippets"))];
  return Promise.all(
    files.map(async (path) => {
      const content = await readFile(join(dir, path));
      const gzipBytes = gzipSync(content, { level: 9 }).length;
      return { path, bytes: content.length, gzipBytes, referenced: referenced.has(path) };
    }),
  );
}

/** Weighs extensions/tally-loyalty, or says why it could not. */
export async function measureWidgetWeight(dir = EXTENSION_DIR): Promise<WidgetWeight> {
  const where = relative(repoRoot, dir);
  if (!existsSync(join(dir, "blocks")))
    return { measured: false, reason: `${where}/blocks/ is not in this tree` };
  let shared: ExtensionFile[] | undefined;
  let files: ExtensionFile[];
  try {
    shared = await sharedMeasure(dir);
    files = shared ?? (await ownMeasure(dir));
  } catch (error) {
    return { measured: false, reason: `${where} could not be weighed: ${(error as Error).message}` };
  }

  const pick = (keep: (file: ExtensionFile) => boolean): FileWeight[] =>
    files
      .filter(keep)
      .map(({ path, bytes, gzipBytes }) => ({ file: path, bytes, gzipBytes }))
      .sort((a, b) => a.file.localeCompare(b.file));
  return {
    measured: true,
    by: shared ? "scripts/extension-weight.ts" : "bench/widget-weight.ts",
    javascript: pick((f) => f.referenced && f.path.endsWith(".js")),
    stylesheets: pick((f) => f.referenced && f.path.endsWith(".css")),
    otherAssets: pick((f) => !f.referenced && f.path.startsWith("assets/")),
    liquid: pick((f) => f.path.endsWith(".liquid")),
  };
}

export const totalGzip = (files: FileWeight[]) => files.reduce((sum, file) => sum + file.gzipBytes, 0);
export const totalBytes = (files: FileWeight[]) => files.reduce((sum, file) => sum + file.bytes, 0);
