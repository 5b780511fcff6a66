import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Refund } from "~/domain/refund-payload";
import {
  eligibleRefund,
  releaseDate,
  splitReversal,
  targetReversal,
  type EarnSnapshot,
} from "~/domain/reversal";

const snapshot = (overrides: Partial<EarnSnapshot> = {}): EarnSnapshot => ({
  taxesIncluded: false,
  includeTax: false,
  includeShipping: false,
  excludedLines: [],
  ...overrides,
});

const refund = (overrides: Partial<Refund> = {}): Refund => ({
  refundGid: "gid://shopify/Refund/1",
  orderGid: "gid://shopify/Order/1",
  currency: "USD",
  lines: [
    {
      lineGid: "gid://shopify/LineItem/1",
      productGid: null,
      giftCard: false,
      subtotal: "30.00",
      tax: "3.00",
    },
  ],
  shipping: "5.00",
  shippingTax: "0.50",
  ...overrides,
});

describe("the refunded amount that counts against an earn", () => {
  it("is the refunded subtotal, without tax or shipping unless they earned", () => {
    expect(eligibleRefund(refund(), snapshot())).toBe(3000n);
    expect(eligibleRefund(refund(), snapshot({ includeTax: true }))).toBe(3300n);
    expect(eligibleRefund(refund(), snapshot({ includeShipping: true }))).toBe(3500n);
  });

  it("takes the tax out of tax-inclusive prices unless tax earned", () => {
    expect(eligibleRefund(refund(), snapshot({ taxesIncluded: true }))).toBe(2700n);
    expect(eligibleRefund(refund(), snapshot({ taxesIncluded: true, includeTax: true }))).toBe(3000n);
  });

  it("ignores gift cards and lines that were excluded when the order earned", () => {
    const lines = [
      { lineGid: "gid://shopify/LineItem/1", productGid: null, giftCard: true, subtotal: "25.00", tax: "0" },
      { lineGid: "gid://shopify/LineItem/2", productGid: null, giftCard: false, subtotal: "10.00", tax: "0" },
    ];
    expect(eligibleRefund(refund({ lines }), snapshot({ excludedLines: ["gid://shopify/LineItem/2"] }))).toBe(
      0n,
    );
  });
});

describe("how much of an order's earn is taken back in all", () => {
  const earned = { earnedPoints: 150, earnedBase: 10000n, cancelled: false };

  it("is the refunded share, rounded down so a customer never loses more than their share", () => {
    expect(targetReversal(earned, 3333n)).toBe(49);
  });

  it("never exceeds what was earned, even when refunds add up to more", () => {
    expect(targetReversal(earned, 25000n)).toBe(150);
  });

  it("is everything once the order is cancelled, and nothing if it never earned", () => {
    expect(targetReversal({ ...earned, cancelled: true }, 0n)).toBe(150);
    expect(targetReversal({ ...earned, earnedPoints: 0 }, 5000n)).toBe(0);
  });

  it("only grows as refunds arrive, whatever their order", () => {
    const refunds = [1200n, 3400n, 900n, 2600n];
    const totals = [refunds, [...refunds].reverse()].map((order) => {
      let sum = 0n;
      return order.map((r) => targetReversal(earned, (sum += r)));
    });
    for (const series of totals) expect(series).toEqual([...series].sort((a, b) => a - b));
    expect(totals[0]!.at(-1)).toBe(totals[1]!.at(-1));
  });
});

describe("a reversal against the balance", () => {
  it("takes what the balance holds and leaves the rest owed", () => {
    expect(splitReversal(100, 0, 30)).toEqual({ fromPending: 0, taken: 30, owed: 70 });
    expect(splitReversal(20, 0, 30)).toEqual({ fromPending: 0, taken: 20, owed: 0 });
    expect(splitReversal(20, 0, 0)).toEqual({ fromPending: 0, taken: 0, owed: 20 });
  });

  it("takes from the order's pending points first, then the spendable balance", () => {
    expect(splitReversal(40, 100, 500)).toEqual({ fromPending: 40, taken: 0, owed: 0 });
    expect(splitReversal(40, 25, 500)).toEqual({ fromPending: 25, taken: 15, owed: 0 });
    expect(splitReversal(40, 25, 5)).toEqual({ fromPending: 25, taken: 5, owed: 10 });
  });

  it("always accounts for every point of the reversal", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), (points, pending, balance) => {
        const split = splitReversal(points, pending, balance);
        expect(split.fromPending + split.taken + split.owed).toBe(points);
        expect(split.fromPending).toBeLessThanOrEqual(pending);
        expect(split.taken).toBeLessThanOrEqual(balance);
        expect(Math.min(split.fromPending, split.taken, split.owed)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe("the pending period", () => {
  it("releases points the given number of days after they were earned", () => {
    expect(releaseDate(new Date("2026-11-23T10:00:00Z"), 14)).toEqual(new Date("2026-12-07T10:00:00Z"));
  });

  it("has no release date when points are spendable at once", () => {
    expect(releaseDate(new Date("2026-11-23T10:00:00Z"), 0)).toBeNull();
  });
});
