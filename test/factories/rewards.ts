// Plain-data builders for what a merchant submits as a reward.

export const amountOff = (pointsCost: number, value: string, overrides: Record<string, unknown> = {}) => ({
  kind: "AMOUNT_OFF",
  name: `${value} off`,
  pointsCost,
  value,
  codeValidDays: 30,
  ...overrides,
});

export const percentOff = (pointsCost: number, value: string, overrides: Record<string, unknown> = {}) => ({
  kind: "PERCENT_OFF",
  name: `${value}% off`,
  pointsCost,
  value,
  codeValidDays: 30,
  ...overrides,
});

export const freeShipping = (pointsCost: number, overrides: Record<string, unknown> = {}) => ({
  kind: "FREE_SHIPPING",
  name: "Free shipping",
  pointsCost,
  codeValidDays: 30,
  ...overrides,
});

export const storeCredit = (pointsCost: number, value: string, overrides: Record<string, unknown> = {}) => ({
  kind: "STORE_CREDIT",
  name: `${value} store credit`,
  pointsCost,
  value,
  ...overrides,
});
