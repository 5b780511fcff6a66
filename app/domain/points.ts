import { minorUnitExponent, type Money } from "./money";

/**
 * A non-negative decimal held exactly as a scaled integer: "0.1" is 1 / 10^1,
 * "2.5" is 25 / 10^1. Earn rates (points per whole unit of shop currency) and
 * earn multipliers are both decimals.
 */
export interface Decimal {
  readonly scaled: bigint;
  readonly scale: number;
}

export type EarnRate = Decimal;

export const ONE: Decimal = { scaled: 1n, scale: 0 };

const DECIMAL = /^(\d{1,8})(?:\.(\d{1,4}))?$/;

/** Up to 8 integer and 4 fractional digits, the precision the settings store. */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, whole, fraction = ""] = match;
  return { scaled: BigInt(whole + fraction), scale: fraction.length };
}

export const parseEarnRate = parseDecimal;

export function formatDecimal(value: Decimal): string {
  const digits = value.scaled.toString().padStart(value.scale + 1, "0");
  if (value.scale === 0) return digits;
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

export type Rounding = "FLOOR" | "HALF_UP" | "CEIL";

/**
 * rate × multiplier × base, rounded as the shop chose (floor by default),
 * computed on integers so that 0.1 × 10.00 is exactly 1 point and never
 * 0.9999… A base at or below zero earns nothing.
 */
export function pointsFor(
  base: Money,
  rate: EarnRate,
  multiplier: Decimal = ONE,
  rounding: Rounding = "FLOOR",
): number {
  if (base.minor <= 0n) return 0;
  const numerator = base.minor * rate.scaled * multiplier.scaled;
  const denominator = 10n ** BigInt(minorUnitExponent(base.currency) + rate.scale + multiplier.scale);
  const whole = numerator / denominator;
  const remainder = numerator % denominator;
  const points =
    rounding === "CEIL"
      ? whole + (remainder > 0n ? 1n : 0n)
      : rounding === "HALF_UP"
        ? whole + (remainder * 2n >= denominator ? 1n : 0n)
        : whole;
  if (points > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError("points exceed the safe integer range");
  }
  return Number(points);
}
