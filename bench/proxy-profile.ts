import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchApp } from "./app";
import { runScript } from "./processes";
import type { ProfileResult } from "./proxy-profile-child";

const TIMEOUT_MS = 5 * 60_000;

/** Runs bench/proxy-profile-child.ts on the benchmark's shop and returns its figures. */
export async function profileProxy(app: BenchApp, shop: string, members: number): Promise<ProfileResult> {
  const dir = await mkdtemp(join(tmpdir(), "tally-proxy-profile-"));
  try {
    const result = join(dir, "result.json");
    await runScript(
      "bench/proxy-profile-child.ts",
      { ...app.env, PROFILE_SHOP: shop, PROFILE_MEMBERS: String(members), PROFILE_RESULT: result },
      TIMEOUT_MS,
    );
    return JSON.parse(await readFile(result, "utf8")) as ProfileResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A statement as its tables and filtered columns: `Redemption ⋈ Member: shop, customerGid, status, expiresAt`. */
export function describeStatement(sql: string): string {
  const tables = [...sql.matchAll(/\b(?:FROM|JOIN)\s+(?:"public"\.)?"(\w+)"/g)].map((m) => m[1]);
  const where = sql.slice(sql.search(/\bWHERE\b/) + 1 || sql.length);
  const columns = [...new Set([...where.matchAll(/"(\w+)"\s*(?:=|>|<|IN\b)/g)].map((m) => m[1]))];
  return `${tables.join(" ⋈ ")}${columns.length ? ` by ${columns.join(", ")}` : ""}`;
}
