/** Time source of the stand-in, injectable so tests can drive token expiry and bucket refill. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(at: Date | string): void;
}

/** A clock that only moves when told to, for deterministic throttling and expiry tests. */
export function manualClock(start: Date | string = "2026-11-23T12:00:00Z"): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (at) => {
      current = new Date(at).getTime();
    },
  };
}

/** Shopify renders DateTime scalars as ISO 8601 in UTC without milliseconds. */
export function toShopifyDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
