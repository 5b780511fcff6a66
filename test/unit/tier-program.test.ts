import { describe, expect, it } from "vitest";
import { parseTierProgram } from "~/domain/tier-program";
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
