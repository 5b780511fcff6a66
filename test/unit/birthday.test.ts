import { describe, expect, it } from "vitest";
import { birthdayKey, birthdaysOn, dayOf } from "~/domain/birthday";

describe("birthdays", () => {
  it("celebrate 29 February on 28 February only in common years", () => {
    expect(birthdaysOn({ year: 2027, month: 2, day: 28 })).toEqual([
      { month: 2, day: 28 },
      { month: 2, day: 29 },
    ]);
    expect(birthdaysOn({ year: 2028, month: 2, day: 28 })).toEqual([{ month: 2, day: 28 }]);
    expect(birthdaysOn({ year: 2100, month: 2, day: 28 })).toHaveLength(2);
  });

  it("are keyed once per member per year", () => {
    expect(birthdayKey("gid://shopify/Customer/1", 2026)).toBe("birthday:gid://shopify/Customer/1:2026");
  });

  it("are reckoned by UTC day", () => {
    expect(dayOf(new Date("2026-11-23T23:59:59Z"))).toEqual({ year: 2026, month: 11, day: 23 });
  });
});
