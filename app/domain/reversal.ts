import { parseCurrency, parseMoney } from "./money";
import type { Refund } from "./refund-payload";

/** How an order's earn was measured, kept on the order so refunds are measured the same way. */
export interface EarnSnapshot {
  readonly taxesIncluded: boolean;
  readonly includeTax: boolean;
  readonly includeShipping: boolean;
  /** Line GIDs of excluded products: refunding them takes nothing back. */
  readonly excludedLines: readonly string[];
}

export interface OrderEarnState {
  readonly earnedPoints: number;
  /** The eligible base the points were earned on, in minor units. */
  readonly earnedBase: bigint;
  readonly cancelled: boolean;
}

/**
 * The part of a refund that counts against the order's earn, in minor units,
 * measured the way the earn was: gift cards and excluded products never
 * earned so refunding them takes nothing back; tax and shipping count only
 * if they counted when the order earned.
 */
export function eligibleRefund(refund: Refund, snapshot: EarnSnapshot): bigint {
  const currency = parseCurrency(refund.currency);
  if (!currency) return 0n;
  const minor = (text: string) => parseMoney(text, currency)?.minor ?? 0n;
  const excluded = new Set(snapshot.excludedLines);
  const taxAdjusted = (amount: bigint, tax: bigint) =>
    snapshot.taxesIncluded && !snapshot.includeTax
      ? amount - tax
      : !snapshot.taxesIncluded && snapshot.includeTax
        ? amount + tax
        : amount;
  let total = 0n;
  for (const line of refund.lines) {
    if (line.giftCard || (line.lineGid !== null && excluded.has(line.lineGid))) continue;
    total += taxAdjusted(minor(line.subtotal), minor(line.tax));
  }
  if (snapshot.includeShipping) total += taxAdjusted(minor(refund.shipping), minor(refund.shippingTax));
  return total > 0n ? total : 0n;
}

/**
 * How many of the order's earned points should have been taken back in all:
 * everything once it is cancelled, otherwise the refunded share of the
 * eligible base, rounded down (a customer never loses more than their
 * share), and never more than was earned. It only grows as refunds and the
 * cancellation arrive, in any order, so a redelivered old event can never
 * undo a newer one.
 */
export function targetReversal(state: OrderEarnState, refundedBase: bigint): number {
  if (state.earnedPoints <= 0) return 0;
  if (state.cancelled) return state.earnedPoints;
  if (state.earnedBase <= 0n) return 0;
  const refunded = refundedBase >= state.earnedBase ? state.earnedBase : refundedBase;
  return Number((BigInt(state.earnedPoints) * refunded) / state.earnedBase);
}

export interface ReversalSplit {
  /** Taken from what the order still holds pending: those points were never spendable. */
  readonly fromPending: number;
  /** Taken from the spendable balance. */
  readonly taken: number;
  /** What neither covers (already spent): recovered from future earnings. */
  readonly owed: number;
}

/**
 * Splits a reversal: the order's own pending points first, then the member's
 * spendable balance, and what is left becomes a debt. Never takes a balance
 * below zero.
 */
export function splitReversal(points: number, orderPending: number, balance: number): ReversalSplit {
  const fromPending = Math.min(points, Math.max(orderPending, 0));
  const taken = Math.min(points - fromPending, Math.max(balance, 0));
  return { fromPending, taken, owed: points - fromPending - taken };
}

/** When points earned at `earnedAt` become spendable under a pending period of `days`. */
export function releaseDate(earnedAt: Date, days: number): Date | null {
  return days > 0 ? new Date(earnedAt.getTime() + days * 24 * 3600 * 1000) : null;
}
