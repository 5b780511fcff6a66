// Lighthouse with and without the Tally blocks, from bench/lighthouse.ts
// (written separately). Loaded only when it and Chromium are there, so a tree
// without either still runs every other benchmark and says why this one did
// not run.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./paths";

/** Median milliseconds (CLS unitless) as Lighthouse simulates them. */
export interface LighthouseMetrics {
  firstContentfulPaint: number;
  largestContentfulPaint: number;
  totalBlockingTime: number;
  speedIndex: number;
  cumulativeLayoutShift: number;
}

export interface LighthouseRow {
  page: string;
  /** Median performance scores, 0–100, and on − off. */
  tallyOn: number;
  tallyOff: number;
  difference: number;
  runs?: number;
  metrics?: { on: LighthouseMetrics; off: LighthouseMetrics };
}

export type LighthouseOutcome =
  { ran: true; rows: LighthouseRow[] } | { ran: false; reason: string; failed: boolean };

export const CHROMIUM = "/usr/bin/chromium";
const MODULE = join(repoRoot, "bench", "lighthouse.ts");

type MeasureLighthouse = (options: {
  chromium: string;
  log: (line: string) => void;
}) => Promise<LighthouseRow[]>;

function isRow(value: unknown): value is LighthouseRow {
  const row = value as Partial<LighthouseRow> | null;
  return (
    typeof row?.page === "string" &&
    [row.tallyOn, row.tallyOff, row.difference].every((n) => typeof n === "number" && Number.isFinite(n))
  );
}

export async function runLighthouse(log: (line: string) => void): Promise<LighthouseOutcome> {
  // For iterating on the proxy figures alone; a kept report always runs it.
  if (process.env.BENCH_LIGHTHOUSE === "off")
    return { ran: false, failed: false, reason: "switched off with BENCH_LIGHTHOUSE=off" };
  if (!existsSync(MODULE))
    return { ran: false, failed: false, reason: "bench/lighthouse.ts is not in this tree" };
  if (!existsSync(CHROMIUM)) return { ran: false, failed: false, reason: `no Chromium at ${CHROMIUM}` };
  try {
    // A path in a variable: the module may not exist when this file is type-checked.
    const loaded = (await import(pathToFileURL(MODULE).href)) as { measureLighthouse?: MeasureLighthouse };
    if (typeof loaded.measureLighthouse !== "function")
      return { ran: false, failed: false, reason: "bench/lighthouse.ts exports no measureLighthouse" };
    const rows: unknown = await loaded.measureLighthouse({ chromium: CHROMIUM, log });
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isRow))
      return {
        ran: false,
        failed: true,
        reason: `measureLighthouse returned ${JSON.stringify(rows).slice(0, 200)}`,
      };
    return { ran: true, rows };
  } catch (error) {
    return { ran: false, failed: true, reason: `measureLighthouse failed: ${(error as Error).message}` };
  }
}
