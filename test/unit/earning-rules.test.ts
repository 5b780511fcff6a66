import { describe, expect, it } from "vitest";
import { decideEarning, parseEarningRulesChange, type EarnDecision } from "~/domain/earning-rules";
import { parseOrderPayload } from "~/domain/order-payload";
import { parseDecimal } from "~/domain/points";
import { orderPayload, type OrderSpec } from "#test/factories/order";
import { earningRules, earningRulesInput } from "#test/factories/rules";

type Rules = Parameters<typeof earningRules>[0];

function decide(
  spec: Partial<OrderSpec>,
  rules: Rules = {},
  event: "ORDERS_PAID" | "ORDERS_FULFILLED" = "ORDERS_PAID",
  multiplier = "1",
): EarnDecision {
  const facts = parseOrderPayload(orderPayload({ orderId: 1, customerId: 2, ...spec }));
  if (!facts.ok) throw new Error(facts.reason);
  return decideEarning(facts.value, earningRules(rules), event, parseDecimal(multiplier)!);
}

const points = (decision: EarnDecision) => (decision.kind === "earn" ? decision.points : 0);

describe("earning rules", () => {
  it("adds shipping after shipping discounts only when the shop includes it", () => {
    const order = { lines: [{ price: "50.00" }], shipping: "9.99" };
    expect(points(decide(order))).toBe(50);
    expect(points(decide(order, { includeShipping: true }))).toBe(59);
  });

  it("adds tax only when the shop includes it, for lines and for taxed shipping", () => {
    const order = { lines: [{ price: "100.00", tax: "8.00" }], shipping: "10.00", shippingTax: "0.80" };
    expect(points(decide(order, { includeTax: true }))).toBe(108);
    expect(points(decide(order, { includeTax: true, includeShipping: true }))).toBe(118);
  });

  it("keeps tax that prices include when the shop includes tax, and removes it otherwise", () => {
    const order = { lines: [{ price: "120.00", tax: "20.00" }], taxesIncluded: true };
    expect(points(decide(order))).toBe(100);
    expect(points(decide(order, { includeTax: true }))).toBe(120);
  });

  it("rounds the way the shop chose", () => {
    const order = { lines: [{ price: "10.50" }] };
    expect(points(decide(order, { rounding: "FLOOR" }))).toBe(10);
    expect(points(decide(order, { rounding: "HALF_UP" }))).toBe(11);
    expect(points(decide({ lines: [{ price: "10.49" }] }, { rounding: "HALF_UP" }))).toBe(10);
    expect(points(decide({ lines: [{ price: "10.01" }] }, { rounding: "CEIL" }))).toBe(11);
  });

  it("awards nothing below the minimum subtotal, and says why", () => {
    const decision = decide({ lines: [{ price: "24.99" }] }, { minimumSubtotal: "25.00" });
    expect(decision).toEqual({
      kind: "skip",
      status: "PROCESSED",
      reason: "subtotal 24.99 USD is below the 25.00 minimum",
    });
    expect(points(decide({ lines: [{ price: "25.00" }] }, { minimumSubtotal: "25" }))).toBe(25);
  });

  it("refuses an order that would earn an absurd number of points, and says why", () => {
    const decision = decide({ lines: [{ price: "900000000.00" }] }, { rate: "10000" });
    expect(decision).toEqual({
      kind: "skip",
      status: "REJECTED",
      reason: "order would earn more than 100,000,000 points on 900000000.00 USD: refused for review",
    });
    expect(points(decide({ lines: [{ price: "10000.00" }] }, { rate: "10000" }))).toBe(100_000_000);
  });

  it("leaves excluded products out of the base and names their lines", () => {
    const decision = decide(
      {
        lines: [
          { price: "40.00", productId: 111 },
          { price: "60.00", productId: 222 },
        ],
      },
      { excludedProductGids: new Set(["gid://shopify/Product/222"]) },
    );
    expect(points(decision)).toBe(40);
    expect(decision.kind === "earn" && decision.details.excludedLines).toEqual(["gid://shopify/LineItem/11"]);
  });

  it("ignores test orders unless the shop awards on them", () => {
    expect(decide({ test: true })).toMatchObject({ kind: "skip", status: "IGNORED" });
    expect(points(decide({ test: true }, { earnOnTestOrders: true }))).toBe(100);
  });

  it("earns only on the event the shop chose", () => {
    expect(decide({}, { earnOn: "ORDERS_FULFILLED" }, "ORDERS_PAID")).toMatchObject({
      kind: "skip",
      reason: "this shop earns on orders/fulfilled",
    });
    expect(points(decide({}, { earnOn: "ORDERS_FULFILLED" }, "ORDERS_FULFILLED"))).toBe(100);
  });

  it("applies the member's multiplier exactly and records it", () => {
    const decision = decide({ lines: [{ price: "33.33" }] }, {}, "ORDERS_PAID", "1.5");
    expect(points(decision)).toBe(49);
    expect(decision.kind === "earn" && decision.details).toMatchObject({
      multiplier: "1.5",
      rate: "1",
      base: "33.33",
    });
    expect(decision.kind === "earn" && decision.reason).toContain("× 1.5");
  });

  it("snapshots everything a later clawback needs", () => {
    const decision = decide({ lines: [{ price: "80.00" }] }, { rate: "0.25", ruleVersion: 7 });
    expect(decision).toMatchObject({
      kind: "earn",
      points: 20,
      details: {
        rate: "0.25",
        ruleVersion: 7,
        rounding: "FLOOR",
        base: "80.00",
        currency: "USD",
        multiplier: "1",
      },
    });
  });
});

describe("changing the earning rules", () => {
  const valid = earningRulesInput({
    earnRate: "0.1",
    excludedProductGids: ["gid://shopify/Product/1", "gid://shopify/Product/1"],
  });

  it("accepts a valid change and drops duplicate exclusions", () => {
    const change = parseEarningRulesChange(valid);
    expect(change.ok && change.value.excludedProductGids).toEqual(["gid://shopify/Product/1"]);
  });

  it("says which field is wrong and why", () => {
    const change = parseEarningRulesChange({
      ...valid,
      earnRate: "0.12345",
      minimumSubtotal: "-5",
      excludedProductGids: ["7891"],
      rounding: "BANKERS",
    });
    expect(change.ok).toBe(false);
    expect(change.fieldErrors).toMatchObject({
      earnRate: "Use a number with at most 4 decimals, e.g. 1 or 0.1",
      minimumSubtotal: "Use an amount such as 25 or 25.00",
      "excludedProductGids.0": "Must be a product GID (gid://shopify/Product/…)",
    });
    expect(change.fieldErrors?.rounding).toBeDefined();
  });

  it("refuses a negative or fractional sign-up bonus", () => {
    expect(parseEarningRulesChange({ ...valid, signupBonus: -5 }).fieldErrors?.signupBonus).toBe(
      "Use 0 to turn the bonus off",
    );
    expect(parseEarningRulesChange({ ...valid, signupBonus: 2.5 }).fieldErrors?.signupBonus).toBe(
      "Whole points only",
    );
  });

  it("refuses a pending period that is negative, fractional or longer than a year", () => {
    const pendingError = (pendingDays: number) =>
      parseEarningRulesChange({ ...valid, pendingDays }).fieldErrors?.pendingDays;
    expect(pendingError(-1)).toBe("Use 0 for points that can be spent at once");
    expect(pendingError(1.5)).toBe("Whole days only");
    expect(pendingError(366)).toBe("At most 365 days");
    expect(pendingError(14)).toBeUndefined();
  });

  it("refuses absurd rates", () => {
    expect(parseEarningRulesChange({ ...valid, earnRate: "20000" }).fieldErrors?.earnRate).toBe(
      "At most 10,000 points per unit of currency",
    );
  });
});
