import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseRedeemRequest,
  requestHash,
  rewardCode,
  shopifyRewardInput,
  type RewardSnapshot,
} from "~/domain/redemption";

const snapshot = (overrides: Partial<RewardSnapshot> = {}): RewardSnapshot => ({
  kind: "AMOUNT_OFF",
  name: "$5 off",
  pointsCost: 500,
  amount: "500",
  percentHundredths: null,
  minimumSubtotal: null,
  combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
  codeValidDays: 30,
  currency: "USD",
  ...overrides,
});
const now = new Date("2026-11-24T10:00:00.000Z");
const context = { code: "TALLY-AAAA-BBBB-CCCC", customerGid: "gid://shopify/Customer/7", now };

describe("a redeem request", () => {
  it("needs a reward id and an idempotency key of 8–100 safe characters", () => {
    const rewardId = "2b1f4c1e-8d0a-4c5e-9f3a-1b2c3d4e5f60";
    expect(parseRedeemRequest({ rewardId, idempotencyKey: "abcd-1234" })).toEqual({
      ok: true,
      value: { rewardId, idempotencyKey: "abcd-1234" },
    });
    for (const body of [
      {},
      { rewardId: "not-a-uuid", idempotencyKey: "abcd-1234" },
      { rewardId, idempotencyKey: "short" },
      { rewardId, idempotencyKey: "x".repeat(101) },
      { rewardId, idempotencyKey: "has spaces in it" },
      null,
      "a string",
    ]) {
      expect(parseRedeemRequest(body).ok, JSON.stringify(body)).toBe(false);
    }
  });

  it("is told apart from another request under the same key by customer and reward", () => {
    const a = requestHash("gid://shopify/Customer/1", "r1");
    expect(requestHash("gid://shopify/Customer/1", "r1")).toBe(a);
    expect(requestHash("gid://shopify/Customer/2", "r1")).not.toBe(a);
    expect(requestHash("gid://shopify/Customer/1", "r2")).not.toBe(a);
  });
});

describe("a reward code", () => {
  it("is TALLY- and three groups of four unambiguous characters, whatever the random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        expect(rewardCode(bytes)).toMatch(
          /^TALLY-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
        );
      }),
    );
  });

  it("differs when the bytes do", () => {
    expect(rewardCode(new Uint8Array(12))).not.toBe(rewardCode(new Uint8Array(12).fill(1)));
    expect(() => rewardCode(new Uint8Array(11))).toThrow(RangeError);
  });
});

describe("what Shopify is asked for", () => {
  it("an amount off: one customer, one use, ends after the validity, amount in the shop currency", () => {
    const input = shopifyRewardInput(snapshot({ minimumSubtotal: "2500" }), context);
    expect(input).toEqual({
      mutation: "discountCodeBasicCreate",
      input: {
        title: "Tally reward: $5 off (TALLY-AAAA-BBBB-CCCC)",
        code: "TALLY-AAAA-BBBB-CCCC",
        startsAt: "2026-11-24T10:00:00.000Z",
        endsAt: "2026-12-24T10:00:00.000Z",
        context: { customers: { add: ["gid://shopify/Customer/7"] } },
        usageLimit: 1,
        appliesOncePerCustomer: true,
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
        minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.00" } },
        customerGets: {
          value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } },
          items: { all: true },
        },
      },
    });
  });

  it("a percentage as Shopify's fraction, free shipping everywhere, and zero-decimal currencies exactly", () => {
    const percent = shopifyRewardInput(
      snapshot({ kind: "PERCENT_OFF", amount: null, percentHundredths: 1250 }),
      context,
    );
    expect(percent.mutation === "discountCodeBasicCreate" && percent.input.customerGets).toEqual({
      value: { percentage: 0.125 },
      items: { all: true },
    });
    const shipping = shopifyRewardInput(snapshot({ kind: "FREE_SHIPPING", amount: null }), context);
    expect(shipping.mutation).toBe("discountCodeFreeShippingCreate");
    expect(shipping.mutation !== "storeCreditAccountCredit" && shipping.input.destination).toEqual({
      all: true,
    });
    const yen = shopifyRewardInput(snapshot({ amount: "500", currency: "JPY" }), context);
    expect(yen.mutation === "discountCodeBasicCreate" && yen.input.customerGets).toMatchObject({
      value: { discountAmount: { amount: "500" } },
    });
  });

  it("store credit: an amount and currency, no code", () => {
    const credit = shopifyRewardInput(
      snapshot({ kind: "STORE_CREDIT", amount: "750", codeValidDays: null }),
      context,
    );
    expect(credit).toEqual({ mutation: "storeCreditAccountCredit", amount: "7.50", currency: "USD" });
  });
});
