/** `date` plus whole calendar months, in UTC, clamped to the month's last day (31 Jan + 1 month = 28 Feb). */
export function addMonths(date: Date, months: number): Date {
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return target;
}

/**
 * When a member's points expire: `months` after their last activity, but
 * never sooner than `months` after the shop switched the rule on, so turning
 * expiry on never wipes balances the same day.
 */
export function expiresAt(lastActivity: Date, ruleEnabledAt: Date, months: number): Date {
  const fromActivity = addMonths(lastActivity, months);
  const fromRule = addMonths(ruleEnabledAt, months);
  return fromActivity > fromRule ? fromActivity : fromRule;
}

/** One expiry per stretch of inactivity: a member active again starts a new stretch. */
export const expiryKey = (customerGid: string, lastActivity: Date) =>
  `expiry:${customerGid}:${lastActivity.toISOString()}`;
