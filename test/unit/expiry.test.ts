import { describe, expect, it } from "vitest";
import { addMonths, expiresAt } from "~/domain/expiry";

describe("expiry dates", () => {
  it("add calendar months, clamped to the month's last day", () => {
    expect(addMonths(new Date("2026-01-31T10:00:00Z"), 1).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(addMonths(new Date("2024-01-31T10:00:00Z"), 1).toISOString()).toBe("2024-02-29T10:00:00.000Z");
    expect(addMonths(new Date("2026-11-15T00:00:00Z"), 14).toISOString()).toBe("2028-01-15T00:00:00.000Z");
  });

  it("count from the later of the last activity and the rule's start", () => {
    const ruleOn = new Date("2026-06-01T00:00:00Z");
    expect(expiresAt(new Date("2020-01-01T00:00:00Z"), ruleOn, 6).toISOString()).toBe(
      "2026-12-01T00:00:00.000Z",
    );
    expect(expiresAt(new Date("2026-09-10T00:00:00Z"), ruleOn, 6).toISOString()).toBe(
      "2027-03-10T00:00:00.000Z",
    );
  });
});
