import type { Decimal } from "./points";

/** What a member qualifies on. */
export type TierMetric = "POINTS_EARNED" | "AMOUNT_SPENT" | "PAID_ORDERS";
/** Over which stretch of time the metric is counted. */
export type TierWindow = "LIFETIME" | "CALENDAR_YEAR" | "ROLLING_12_MONTHS";

export interface Tier {
  readonly id: string;
  readonly name: string;
  /** Entry threshold in the metric's unit: points, minor units of shop currency, or orders. */
  readonly threshold: bigint;
  readonly multiplier: Decimal;
  readonly earlyAccess: boolean;
  readonly perks: string;
}

export interface TierProgram {
  readonly metric: TierMetric;
  readonly window: TierWindow;
  /** Days a member below their tier keeps it before moving down; 0 = at once. */
  readonly graceDays: number;
  /** Ascending by threshold; thresholds strictly increase. */
  readonly tiers: readonly Tier[];
}

/** Where a member stands: their tier, and since when they have been below it (grace running). */
export interface TierStanding {
  readonly tierId: string | null;
  readonly belowSince: Date | null;
}

export type TierDecision = TierStanding & {
  /** "moved": the member's tier was removed from the program, so no direction applies. */
  readonly change: "up" | "down" | "moved" | "none" | "grace";
  /** The sentence a tier history line shows. */
  readonly reason: string;
};

const DAY_MS = 24 * 3600 * 1000;

/**
 * The first instant that counts toward the metric at `now`: none for a
 * lifetime window, 1 January (UTC) for a calendar year, and the same day
 * twelve months earlier for a rolling window.
 */
export function windowStart(window: TierWindow, now: Date): Date | null {
  if (window === "LIFETIME") return null;
  if (window === "CALENDAR_YEAR") return new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
  const start = new Date(now);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  return start;
}

/** The highest tier whose threshold the value reaches, or null below the first. */
export function qualifyingTier(program: TierProgram, value: bigint): Tier | null {
  let reached: Tier | null = null;
  for (const tier of program.tiers) if (value >= tier.threshold) reached = tier;
  return reached;
}

const rankOf = (program: TierProgram, tierId: string | null) =>
  tierId === null ? -1 : program.tiers.findIndex((t) => t.id === tierId);

/**
 * A member's tier after their metric became `value`: up at once, down only
 * once they have stayed below their tier for the grace period (counted from
 * the first time they were seen below it). A tier the merchant removed is
 * left at once for the one the member qualifies for.
 */
export function decideTier(
  program: TierProgram,
  standing: TierStanding,
  value: bigint,
  now: Date,
): TierDecision {
  const target = qualifyingTier(program, value);
  const targetRank = rankOf(program, target?.id ?? null);
  const currentRank = rankOf(program, standing.tierId);
  const name = (tier: Tier | null) => tier?.name ?? "no tier";
  const current = currentRank >= 0 ? program.tiers[currentRank]! : null;

  if (standing.tierId !== null && currentRank < 0) {
    return moved(target, "moved", `previous tier no longer exists: now ${name(target)}`);
  }
  if (targetRank > currentRank) {
    return moved(target, "up", `reached ${name(target)} (${value} ≥ ${target!.threshold})`);
  }
  if (targetRank === currentRank) {
    return { tierId: standing.tierId, belowSince: null, change: "none", reason: `stays ${name(current)}` };
  }
  const belowSince = standing.belowSince ?? now;
  const graceEnds = new Date(belowSince.getTime() + program.graceDays * DAY_MS);
  if (now >= graceEnds) {
    return moved(
      target,
      "down",
      `below ${name(current)} since ${belowSince.toISOString().slice(0, 10)}: now ${name(target)}`,
    );
  }
  return {
    tierId: standing.tierId,
    belowSince,
    change: "grace",
    reason: `below ${name(current)}; keeps it until ${graceEnds.toISOString().slice(0, 10)}`,
  };
}

function moved(target: Tier | null, change: "up" | "down" | "moved", reason: string): TierDecision {
  return { tierId: target?.id ?? null, belowSince: null, change, reason };
}

export interface TierPreviewRow {
  readonly tierId: string | null;
  readonly name: string;
  /** Members who would enter this tier from a lower one, leave it for a lower one, or stay. */
  readonly up: number;
  readonly down: number;
  readonly stay: number;
}

/**
 * What a change of program would do before it is saved: for each tier of the
 * new program (and "no tier"), how many members would move up into it, down
 * into it, or stay. Up and down compare a tier's position in its program
 * (the metric may change, so thresholds need not be comparable); a member of
 * a tier the new program drops moves to where they qualify. Moves down are
 * shown as they will be once any grace period is over.
 */
export function previewProgram(
  current: TierProgram,
  next: TierProgram,
  members: ReadonlyArray<{ tierId: string | null; value: bigint }>,
): TierPreviewRow[] {
  const rows = new Map<
    string | null,
    { tierId: string | null; name: string; up: number; down: number; stay: number }
  >();
  rows.set(null, { tierId: null, name: "no tier", up: 0, down: 0, stay: 0 });
  for (const tier of next.tiers)
    rows.set(tier.id, { tierId: tier.id, name: tier.name, up: 0, down: 0, stay: 0 });
  for (const member of members) {
    const target = qualifyingTier(next, member.value);
    const row = rows.get(target?.id ?? null)!;
    const from = rankOf(current, member.tierId);
    const to = rankOf(next, target?.id ?? null);
    if (member.tierId === (target?.id ?? null)) row.stay++;
    else if (to > from) row.up++;
    else if (to < from) row.down++;
    else row.stay++;
  }
  return [...rows.values()];
}

/** How many members a previewed change would move to another tier, up or down. */
export function membersMoving(preview: readonly TierPreviewRow[]): number {
  return preview.reduce((moving, row) => moving + row.up + row.down, 0);
}
