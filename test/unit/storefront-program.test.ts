import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CurrencyCode } from "~/domain/money";
import { parseEarnRate, pointsFor, type Decimal } from "~/domain/points";
import { storefrontProgram } from "~/domain/storefront-program";

const program = (currency: string, rate: string) =>
  storefrontProgram({
    currency,
    earnRate: parseEarnRate(rate)!,
    rounding: "FLOOR",
    signupBonus: 0,
    rewards: [],
  });

/** What the product block's Liquid does: integer multiply, integer divide. */
const liquidFloor = (priceMinor: number, earn: { numerator: number; denominator: number }) =>
  Math.floor((priceMinor * earn.numerator) / earn.denominator);

describe("the program the storefront's Liquid reads", () => {
  it("turns the earn rate into an integer fraction of a price in minor units", () => {
    expect(program("USD", "1").earn).toEqual({ numerator: 1, denominator: 100, rounding: "FLOOR" });
    expect(program("USD", "0.1").earn).toEqual({ numerator: 1, denominator: 1000, rounding: "FLOOR" });
    expect(program("JPY", "2.5").earn).toEqual({ numerator: 25, denominator: 10, rounding: "FLOOR" });
    expect(program("KWD", "1").earn).toEqual({ numerator: 1, denominator: 1000, rounding: "FLOOR" });
  });

  it("gives the product page the points an order of that price earns", () => {
    const rates = fc
      .record({ whole: fc.nat(50), fraction: fc.nat(9999) })
      .map(({ whole, fraction }): Decimal => ({ scaled: BigInt(whole * 10_000 + fraction), scale: 4 }));
    fc.assert(
      fc.property(
        fc.constantFrom("USD", "JPY", "KWD"),
        rates,
        fc.nat(10_000_000),
        (currency, rate, price) => {
          const { earn } = storefrontProgram({
            currency,
            earnRate: rate,
            rounding: "FLOOR",
            signupBonus: 0,
            rewards: [],
          });
          expect(liquidFloor(price, earn)).toBe(
            pointsFor({ currency: currency as CurrencyCode, minor: BigInt(price) }, rate),
          );
        },
      ),
    );
  });

  it("lists the rewards by name, kind and cost only", () => {
    const published = storefrontProgram({
      currency: "EUR",
      earnRate: parseEarnRate("1")!,
      rounding: "HALF_UP",
      signupBonus: 100,
      rewards: [{ name: "€5 off", kind: "AMOUNT_OFF", pointsCost: 500 }],
    });
    expect(published).toEqual({
      version: 1,
      currency: "EUR",
      earn: { numerator: 1, denominator: 100, rounding: "HALF_UP" },
      signupBonus: 100,
      rewards: [{ name: "€5 off", kind: "AMOUNT_OFF", pointsCost: 500 }],
    });
  });
});
