import { minorUnitExponent, type Money } from "./money";

/**
 * An earn rate in points per whole unit of shop currency, held exactly as a
 * scaled integer: "0.1" is 1 / 10^1, "2.5" is 25 / 10^1.
 */
export interface EarnRate {
  readonly scaled: bigint;
  readonly scale: number;
}

const RATE = /^(\d{1,8})(?:\.(\d{1,4}))?$/;

export function parseEarnRate(text: string): EarnRate | null {
  const match = RATE.exec(text.trim());
  if (!match) return null;
  const [, whole, fraction = ""] = match;
  return { scaled: BigInt(whole + fraction), scale: fraction.length };
}

export function formatEarnRate(rate: EarnRate): string {
  const digits = rate.scaled.toString().padStart(rate.scale + 1, "0");
  if (rate.scale === 0) return digits;
  const whole = digits.slice(0, digits.length - rate.scale);
  const fraction = digits.slice(digits.length - rate.scale).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * floor(rate × base), computed on integers so that 0.1 × 10.00 is exactly 1
 * point and never 0.9999… A base at or below zero earns nothing.
 */
export function pointsFor(base: Money, rate: EarnRate): number {
  if (base.minor <= 0n) return 0;
  const divisor = 10n ** BigInt(minorUnitExponent(base.currency) + rate.scale);
  const points = (base.minor * rate.scaled) / divisor;
  if (points > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError("points exceed the safe integer range");
  }
  return Number(points);
}
