// Refusals an outsider can cause at will are logged as counts, at most once a
// minute per kind: the operator must see that they happen (a wrong secret
// refuses every real delivery too), but a flood of forged requests must not
// become a flood of log lines.

const INTERVAL_MS = 60_000;

interface Tally {
  count: number;
  lastReport: number;
  example: string;
}

const tallies = new Map<string, Tally>();

/**
 * Counts one event of `kind` and logs a line with the count and the latest
 * example when the last line for `kind` is over a minute old.
 */
export function warnThrottled(kind: string, example: string, nowMs = Date.now()): void {
  const tally = tallies.get(kind) ?? { count: 0, lastReport: -Infinity, example };
  tally.count++;
  tally.example = example.slice(0, 300);
  if (nowMs - tally.lastReport >= INTERVAL_MS) {
    const since = tally.lastReport === -Infinity ? "" : " since the last report";
    console.warn(`${kind}: ${tally.count}${since} (latest: ${tally.example})`);
    tally.count = 0;
    tally.lastReport = nowMs;
  }
  tallies.set(kind, tally);
}
