// A token bucket kept as one number per bucket: the moment it will be full
// again (the "theoretical arrival time" of GCRA). A bucket holds `capacity`
// tokens and gains one every `refillEveryMs`; a take of `cost` tokens moves
// its full-again moment `cost × refillEveryMs` later, and is refused when that
// would put it more than a whole bucket ahead of now. Integers only, so the
// Redis script (app/jobs/rate-limit.server.ts) computes exactly the same thing.

export interface BucketLimits {
  /** Tokens a full bucket holds: the burst allowed at once. */
  capacity: number;
  /** Milliseconds to regain one token: the sustained rate is 1000 / refillEveryMs per second. */
  refillEveryMs: number;
}

export interface Bucket {
  limits: BucketLimits;
  /** When this bucket is full again (Unix ms); null or in the past means full now. */
  fullAt: number | null;
}

export type Take =
  | { allowed: true; /** Each bucket's new full-again moment, in the order given. */ fullAt: number[] }
  | { allowed: false; /** How long until every bucket could pay `cost`. */ retryAfterMs: number };

/**
 * Takes `cost` tokens from every bucket, or from none: a request refused by
 * one bucket spends nothing from the others (a customer hammering their own
 * limit does not drain their shop's).
 */
export function takeFromAll(buckets: readonly Bucket[], nowMs: number, cost = 1): Take {
  const fullAt: number[] = [];
  let retryAfterMs = 0;
  for (const { limits, fullAt: current } of buckets) {
    // A clock that went back grants nothing: the bucket is no fuller than it was.
    const next = Math.max(current ?? nowMs, nowMs) + cost * limits.refillEveryMs;
    const overBy = next - nowMs - limits.capacity * limits.refillEveryMs;
    if (overBy > 0) retryAfterMs = Math.max(retryAfterMs, overBy);
    fullAt.push(next);
  }
  return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true, fullAt };
}

/** HTTP's Retry-After is whole seconds; rounding down would invite a retry that is refused again. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
