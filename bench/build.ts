import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./paths";

const run = promisify(execFile);
const serverBuild = join(repoRoot, "build", "server", "index.js");

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

async function isStale(): Promise<boolean> {
  const built = await stat(serverBuild).catch(() => undefined);
  return !built || built.mtimeMs < (await newestMtime(join(repoRoot, "app")));
}

/**
 * The benchmark measures the production build, so it must match app/.
 * Several engineers share this tree and vite empties build/ first: a build
 * racing another one fails with ENOTEMPTY, so one retry is allowed.
 */
export async function ensureBuilt(log: (line: string) => void): Promise<void> {
  if (!(await isStale())) return;
  for (let attempt = 1; ; attempt++) {
    log(attempt === 1 ? "building the app (npm run build)…" : "build failed, retrying once…");
    try {
      await run("npm", ["run", "-s", "build"], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
      return;
    } catch (error) {
      if (attempt === 2) {
        const output = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`npm run build failed: ${output.message}\n${output.stderr ?? ""}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
}
