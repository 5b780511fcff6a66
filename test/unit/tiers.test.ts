import { describe, expect, it } from "vitest";
import { parseDecimal } from "~/domain/points";
import {
  decideTier,
  membersMoving,
  previewProgram,
  qualifyingTier,
  windowStart,
  type Tier,
  type TierProgram,
} from "~/domain/tiers";

const tier = (id: string, threshold: number, multiplier = "1"): Tier => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  threshold: BigInt(threshold),
  multiplier: parseDecimal(multiplier)!,
  earlyAccess: false,
  perks: "",
});

const program = (overrides: Partial<TierProgram> = {}): TierProgram => ({
  metric: "POINTS_EARNED",
  window: "LIFETIME",
  graceDays: 30,
  tiers: [tier("bronze", 0), tier("silver", 500, "1.25"), tier("gold", 2_000, "1.5")],
  ...overrides,
});

const at = (iso: string) => new Date(iso);

describe("which tier a value reaches", () => {
  it("is the highest tier whose threshold it meets, thresholds included", () => {
    expect(qualifyingTier(program(), 499n)?.id).toBe("bronze");
    expect(qualifyingTier(program(), 500n)?.id).toBe("silver");
    expect(qualifyingTier(program(), 10_000n)?.id).toBe("gold");
  });

  it("is no tier below the first threshold", () => {
    expect(qualifyingTier(program({ tiers: [tier("silver", 500)] }), 499n)).toBeNull();
  });
});

describe("the window the metric counts over", () => {
  const now = at("2026-11-23T10:00:00Z");

  it("starts on 1 January for a calendar year, twelve months back for a rolling window, never for lifetime", () => {
    expect(windowStart("CALENDAR_YEAR", now)).toEqual(at("2026-01-01T00:00:00Z"));
    expect(windowStart("ROLLING_12_MONTHS", now)).toEqual(at("2025-11-23T10:00:00Z"));
    expect(windowStart("LIFETIME", now)).toBeNull();
  });
});

describe("a member's tier after their metric changes", () => {
  const now = at("2026-11-23T00:00:00Z");

  it("moves up at once, clearing any grace", () => {
    const decision = decideTier(program(), { tierId: "bronze", belowSince: at("2026-11-01") }, 2_500n, now);
    expect(decision).toMatchObject({ tierId: "gold", belowSince: null, change: "up" });
    expect(decision.reason).toBe("reached Gold (2500 ≥ 2000)");
  });

  it("keeps a tier through the grace period, counted from when the member first fell below it", () => {
    const first = decideTier(program(), { tierId: "gold", belowSince: null }, 100n, now);
    expect(first).toMatchObject({ tierId: "gold", belowSince: now, change: "grace" });
    expect(first.reason).toBe("below Gold; keeps it until 2026-12-23");

    const later = decideTier(program(), first, 100n, at("2026-12-22T23:59:59Z"));
    expect(later).toMatchObject({ tierId: "gold", belowSince: now, change: "grace" });
  });

  it("moves down once the grace period is over, straight to where the member qualifies", () => {
    const decision = decideTier(
      program(),
      { tierId: "gold", belowSince: now },
      600n,
      at("2026-12-23T00:00:00Z"),
    );
    expect(decision).toMatchObject({ tierId: "silver", belowSince: null, change: "down" });
  });

  it("moves down at once without a grace period", () => {
    const decision = decideTier(program({ graceDays: 0 }), { tierId: "gold", belowSince: null }, 0n, now);
    expect(decision).toMatchObject({ tierId: "bronze", change: "down" });
  });

  it("ends the grace period when the member climbs back", () => {
    const decision = decideTier(program(), { tierId: "gold", belowSince: at("2026-11-01") }, 2_000n, now);
    expect(decision).toMatchObject({ tierId: "gold", belowSince: null, change: "none" });
  });

  it("leaves a tier the merchant removed for the one the member qualifies for", () => {
    const decision = decideTier(program(), { tierId: "platinum", belowSince: null }, 700n, now);
    expect(decision).toMatchObject({ tierId: "silver", change: "moved" });
  });
});

describe("previewing a change of program", () => {
  it("counts, per tier of the new program, who moves up, who moves down and who stays", () => {
    const current = program();
    const next = program({ tiers: [tier("bronze", 0), tier("silver", 1_000), tier("gold", 1_500)] });
    const members = [
      { tierId: "bronze", value: 1_200n }, // up to silver
      { tierId: "silver", value: 800n }, // down to bronze
      { tierId: "gold", value: 1_600n }, // stays gold
      { tierId: "silver", value: 1_700n }, // up to gold
      { tierId: null, value: 10n }, // up to bronze
    ];

    expect(previewProgram(current, next, members)).toEqual([
      { tierId: null, name: "no tier", up: 0, down: 0, stay: 0 },
      { tierId: "bronze", name: "Bronze", up: 1, down: 1, stay: 0 },
      { tierId: "silver", name: "Silver", up: 1, down: 0, stay: 0 },
      { tierId: "gold", name: "Gold", up: 1, down: 0, stay: 1 },
    ]);
  });

  it("counts each member who changes tier once, whichever way they move", () => {
    const next = program({ tiers: [tier("bronze", 0), tier("silver", 1_000), tier("gold", 1_500)] });
    const members = [
      { tierId: "bronze", value: 1_200n },
      { tierId: "silver", value: 800n },
      { tierId: "gold", value: 1_600n },
    ];

    expect(membersMoving(previewProgram(program(), next, members))).toBe(2);
    const placed = [
      { tierId: "bronze", value: 100n },
      { tierId: "gold", value: 2_500n },
    ];
    expect(membersMoving(previewProgram(program(), program(), placed))).toBe(0);
  });
});
