import { describe, expect, it } from "vitest";
import { parseDecimal } from "~/domain/points";
import {
  formatThreshold,
  parseTierProgram,
  STARTER_TIER_PROGRAM,
  tierProgramValues,
} from "~/domain/tier-program";
import type { TierProgram } from "~/domain/tiers";
import { tierInput, tierProgramInput, type TierInput } from "#test/factories/tiers";

const tier = tierInput;
const input = (metric: string, tiers: TierInput[]) => tierProgramInput(tiers, { metric });

describe("a merchant's tier program", () => {
  it("reads amount thresholds in the shop's currency as minor units", () => {
    const usd = parseTierProgram(input("AMOUNT_SPENT", [tier("Member", "0"), tier("VIP", "499.99")]), "USD");
    const jpy = parseTierProgram(input("AMOUNT_SPENT", [tier("Member", "0"), tier("VIP", "5000")]), "JPY");

    expect(usd.ok && usd.value.tiers.map((t) => t.threshold)).toEqual([0n, 49_999n]);
    expect(jpy.ok && jpy.value.tiers.map((t) => t.threshold)).toEqual([0n, 5_000n]);
  });

  it("refuses fractional points or orders, duplicate names and multipliers out of range", () => {
    const points = parseTierProgram(input("POINTS_EARNED", [tier("A", "0"), tier("B", "10.5")]), "USD");
    const names = parseTierProgram(input("PAID_ORDERS", [tier("Gold", "0"), tier("gold", "3")]), "USD");
    const multiplier = parseTierProgram(
      { ...input("PAID_ORDERS", [tier("A", "0")]), tiers: [{ ...tier("A", "0"), multiplier: "0.5" }] },
      "USD",
    );

    expect(points.fieldErrors).toEqual({ "tiers.1.threshold": "Use a whole number" });
    expect(names.fieldErrors).toEqual({ "tiers.1.name": "Another tier has this name" });
    expect(multiplier.fieldErrors).toEqual({
      "tiers.0.multiplier": "Use a multiplier from 1 to 10, e.g. 1.5",
    });
  });

  it("keeps commas out of tags: Shopify would split the tag in two", () => {
    const name = parseTierProgram(input("PAID_ORDERS", [tier("Gold, Plus", "0")]), "USD");
    const prefix = parseTierProgram(
      { ...input("PAID_ORDERS", [tier("Gold", "0")]), tagPrefix: "VIP," },
      "USD",
    );
    const unset = parseTierProgram(input("PAID_ORDERS", [tier("Gold", "0")]), "USD");

    expect(name.fieldErrors).toEqual({ "tiers.0.name": "Commas cannot be used in a tier name" });
    expect(prefix.fieldErrors).toEqual({ tagPrefix: "Commas cannot be used in a tag" });
    expect(unset.ok && unset.value.tagPrefix).toBe("VIP: ");
  });
});

describe("a saved tier program shown back to the merchant", () => {
  it("shows amount thresholds in major units of the shop currency, points and orders as counts", () => {
    expect(formatThreshold("AMOUNT_SPENT", 49_999n, "USD")).toBe("499.99");
    expect(formatThreshold("AMOUNT_SPENT", 5_000n, "JPY")).toBe("5000");
    expect(formatThreshold("AMOUNT_SPENT", 12_345n, "KWD")).toBe("12.345");
    expect(formatThreshold("AMOUNT_SPENT", 0n, "EUR")).toBe("0.00");
    expect(formatThreshold("POINTS_EARNED", 2_000n, "USD")).toBe("2000");
    expect(formatThreshold("PAID_ORDERS", 3n, "JPY")).toBe("3");
  });

  it("reads back as the program that was saved, tier ids and multipliers included", () => {
    const member = {
      id: "6f1c7b4e-8a0d-4d55-9d3e-0b6a1f1c2d3e",
      name: "Member",
      earlyAccess: false,
      perks: "",
    };
    const vip = {
      id: "0e2d9c1b-7f4a-4e3b-a8c6-5d4b3a2f1e0d",
      name: "VIP",
      earlyAccess: true,
      perks: "Free shipping",
    };
    const saved: TierProgram = {
      metric: "AMOUNT_SPENT",
      window: "ROLLING_12_MONTHS",
      graceDays: 14,
      tiers: [
        { ...member, threshold: 0n, multiplier: parseDecimal("1")! },
        // As the database hands back a Decimal(6, 2).
        { ...vip, threshold: 49_999n, multiplier: parseDecimal("1.50")! },
      ],
    };

    const values = tierProgramValues(saved, "Club ", "USD");
    const reparsed = parseTierProgram(values, "USD");

    expect(values.tiers).toEqual([
      { ...member, threshold: "0.00", multiplier: "1" },
      { ...vip, threshold: "499.99", multiplier: "1.5" },
    ]);
    expect(reparsed.ok && reparsed.value).toEqual({
      metric: "AMOUNT_SPENT",
      window: "ROLLING_12_MONTHS",
      graceDays: 14,
      tagPrefix: "Club ",
      tiers: [
        { ...member, threshold: 0n, multiplier: "1" },
        { ...vip, threshold: 49_999n, multiplier: "1.5" },
      ],
    });
  });

  it("offers starter tiers a merchant could save as they are", () => {
    expect(parseTierProgram(STARTER_TIER_PROGRAM, "USD").ok).toBe(true);
  });
});
