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
const liquidFloor = (liquidPrice: number, earn: { numerator: number; denominator: number }) =>
  Math.floor((liquidPrice * earn.numerator) / earn.denominator);

/** Liquid prices are hundredths of the unit in every currency: ¥1,000 is 100000, 1.250 KWD is 125. */
const EXPONENT: Record<string, number> = { USD: 2, JPY: 0, KWD: 3 };

describe("the program the storefront's Liquid reads", () => {
  it("turns the earn rate into an integer fraction of a Liquid price, hundredths in every currency", () => {
    expect(program("USD", "1").earn).toEqual({ numerator: 1, denominator: 100, rounding: "FLOOR" });
    expect(program("USD", "0.1").earn).toEqual({ numerator: 1, denominator: 1000, rounding: "FLOOR" });
    expect(program("JPY", "2.5").earn).toEqual({ numerator: 25, denominator: 1000, rounding: "FLOOR" });
    expect(program("KWD", "1").earn).toEqual({ numerator: 1, denominator: 100, rounding: "FLOOR" });
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
        (currency, rate, units) => {
          const { earn } = storefrontProgram({
            currency,
            earnRate: rate,
            rounding: "FLOOR",
            signupBonus: 0,
            rewards: [],
          });
          // A price both can state: whole steps of the coarser of Liquid's and the currency's.
          const exponent = EXPONENT[currency]!;
          const liquidPrice = units * 10 ** Math.max(0, 2 - exponent);
          const minor = BigInt(units) * 10n ** BigInt(Math.max(0, exponent - 2));
          expect(liquidFloor(liquidPrice, earn)).toBe(
            pointsFor({ currency: currency as CurrencyCode, minor }, rate),
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
