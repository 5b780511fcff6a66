import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryAfterSeconds, takeFromAll, type Bucket, type BucketLimits } from "~/domain/token-bucket";

const limits: BucketLimits = { capacity: 3, refillEveryMs: 1_000 };
const t0 = 1_795_000_000_000;

/** Takes `cost` tokens at each moment, carrying the bucket's state along. */
function run(moments: number[], bucketLimits = limits, cost = 1) {
  return steps(moments, bucketLimits, cost).map((step) => step.taken);
}

function steps(moments: number[], bucketLimits: BucketLimits, cost = 1) {
  let fullAt: number | null = null;
  return moments.map((at) => {
    const before = fullAt;
    const taken = takeFromAll([{ limits: bucketLimits, fullAt }], at, cost);
    if (taken.allowed) fullAt = taken.fullAt[0]!;
    return { before, taken };
  });
}

describe("a token bucket", () => {
  it("lets a full bucket's worth through at once and refuses the next, for one refill", () => {
    const takes = run([t0, t0, t0, t0]);

    expect(takes.map((t) => t.allowed)).toEqual([true, true, true, false]);
    expect(takes[3]).toEqual({ allowed: false, retryAfterMs: 1_000 });
  });

  it("gives a token back exactly one refill later, and not a millisecond sooner", () => {
    expect(run([t0, t0, t0, t0 + 999]).at(-1)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(run([t0, t0, t0, t0 + 1_000]).at(-1)!.allowed).toBe(true);
  });

  it("never holds more than its capacity, however long it sat idle", () => {
    const later = t0 + 86_400_000;
    expect(run([t0, later, later, later, later]).map((t) => t.allowed)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it("is full again, and so needs no state, once its full-again moment has passed", () => {
    const [first] = run([t0]);
    expect(first).toEqual({ allowed: true, fullAt: [t0 + 1_000] });
    const fresh = takeFromAll([{ limits, fullAt: null }], t0 + 5_000);
    const stale = takeFromAll([{ limits, fullAt: t0 + 1_000 }], t0 + 5_000);
    expect(stale).toEqual(fresh);
  });

  it("grants nothing when the clock goes back", () => {
    const takes = run([t0, t0, t0, t0 - 60_000]);
    expect(takes.at(-1)).toEqual({ allowed: false, retryAfterMs: 61_000 });
  });

  it("charges a cost of several tokens, and never lets through a cost above its capacity", () => {
    expect(run([t0, t0], limits, 2).map((t) => t.allowed)).toEqual([true, false]);
    expect(run([t0], limits, 4)[0]).toEqual({ allowed: false, retryAfterMs: 1_000 });
  });

  it("takes from every bucket or from none, and waits for the slowest", () => {
    const customer: Bucket = { limits: { capacity: 2, refillEveryMs: 6_000 }, fullAt: t0 + 12_000 };
    const shop: Bucket = { limits: { capacity: 30, refillEveryMs: 1_000 }, fullAt: t0 + 5_000 };

    expect(takeFromAll([customer, shop], t0)).toEqual({ allowed: false, retryAfterMs: 6_000 });
    expect(takeFromAll([{ ...customer, fullAt: null }, shop], t0)).toEqual({
      allowed: true,
      fullAt: [t0 + 6_000, t0 + 6_000],
    });
    const emptyShop: Bucket = { ...shop, fullAt: t0 + 30_000 };
    expect(takeFromAll([customer, emptyShop], t0)).toEqual({ allowed: false, retryAfterMs: 6_000 });
    expect(takeFromAll([{ ...customer, fullAt: null }, emptyShop], t0)).toEqual({
      allowed: false,
      retryAfterMs: 1_000,
    });
  });

  it("over any stretch of time allows at most its capacity plus what refilled", () => {
    const arbitrary = fc.record({
      limits: fc.record({
        capacity: fc.integer({ min: 1, max: 20 }),
        refillEveryMs: fc.integer({ min: 1, max: 10_000 }),
      }),
      gaps: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ limits: bucketLimits, gaps }) => {
        let at = t0;
        const moments = gaps.map((gap) => (at += gap));
        const taken = steps(moments, bucketLimits);
        for (let from = 0; from < moments.length; from++) {
          let allowed = 0;
          for (let to = from; to < moments.length; to++) {
            if (taken[to]!.taken.allowed) allowed++;
            const refilled = Math.floor((moments[to]! - moments[from]!) / bucketLimits.refillEveryMs);
            expect(allowed).toBeLessThanOrEqual(bucketLimits.capacity + refilled);
          }
        }
        // And a refusal's retry-after is honest: after that wait the take goes through, not a millisecond sooner.
        taken.forEach(({ before, taken: take }, i) => {
          if (take.allowed) return;
          const bucket = [{ limits: bucketLimits, fullAt: before }];
          expect(takeFromAll(bucket, moments[i]! + take.retryAfterMs).allowed).toBe(true);
          expect(takeFromAll(bucket, moments[i]! + take.retryAfterMs - 1).allowed).toBe(false);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("the Retry-After header", () => {
  it("rounds up to whole seconds and is never zero", () => {
    expect([1, 999, 1_000, 1_001, 59_999].map(retryAfterSeconds)).toEqual([1, 1, 1, 2, 60]);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});
