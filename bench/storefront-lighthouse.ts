// Lighthouse with and without the Tally blocks (bench/lighthouse.ts), for the
// storefront section. Without Chromium, or if Lighthouse fails, the section
// says why and every other benchmark still runs.
import { existsSync } from "node:fs";
import type { LighthouseRow } from "./lighthouse";

export type { LighthouseMetrics, LighthouseRow } from "./lighthouse";

export type LighthouseOutcome =
  { ran: true; rows: LighthouseRow[] } | { ran: false; reason: string; failed: boolean };

export const CHROMIUM = "/usr/bin/chromium";

export async function runLighthouse(log: (line: string) => void): Promise<LighthouseOutcome> {
  // For iterating on the proxy figures alone; a kept report always runs it.
  if (process.env.BENCH_LIGHTHOUSE === "off")
    return { ran: false, failed: false, reason: "switched off with BENCH_LIGHTHOUSE=off" };
  if (!existsSync(CHROMIUM)) return { ran: false, failed: false, reason: `no Chromium at ${CHROMIUM}` };
  try {
    // Loaded only when run: Lighthouse and its Chrome launcher are heavy.
    const { measureLighthouse } = await import("./lighthouse");
    const rows = await measureLighthouse({ chromium: CHROMIUM, log });
    if (rows.length === 0) return { ran: false, failed: true, reason: "measureLighthouse measured no page" };
    return { ran: true, rows };
  } catch (error) {
    return { ran: false, failed: true, reason: `measureLighthouse failed: ${(error as Error).message}` };
  }
}
