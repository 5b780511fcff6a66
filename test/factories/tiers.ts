// Plain-data builders for what a merchant submits as a tier program.

/** One tier as the merchant submits it; `id` keeps an existing tier. */
export const tierInput = (name: string, threshold: string, multiplier = "1", id?: string) => ({
  ...(id ? { id } : {}),
  name,
  threshold,
  multiplier,
  earlyAccess: false,
  perks: "",
});

export type TierInput = ReturnType<typeof tierInput>;

/** A program on points earned, lifetime, no grace, with overrides. */
export const tierProgramInput = (tiers: TierInput[], overrides: Record<string, unknown> = {}) => ({
  metric: "POINTS_EARNED",
  window: "LIFETIME",
  graceDays: 0,
  tiers,
  ...overrides,
});
