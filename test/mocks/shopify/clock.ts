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

/**
 * REST and webhook JSON render times in the shop's time zone with its offset, without
 * milliseconds: "2021-12-31T19:00:00-05:00".
 */
export function toShopifyRestDateTime(ms: number, ianaTimezone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: ianaTimezone,
    timeZoneName: "longOffset",
  }).formatToParts(new Date(ms));
  const name = parts.find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const offset = name === "GMT" ? "+00:00" : name.slice("GMT".length);
  const sign = offset.startsWith("-") ? -1 : 1;
  const [hours = 0, minutes = 0] = offset.slice(1).split(":").map(Number);
  const local = new Date(ms + sign * (hours * 60 + minutes) * 60_000);
  return `${local.toISOString().slice(0, 19)}${offset}`;
}
