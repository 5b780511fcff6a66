/** A calendar day in the shop's reckoning. */
export interface Day {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The birthdays celebrated on `today`, as (month, day) pairs: today's date,
 * and on 28 February of a common year also 29 February, so members born on
 * a leap day are not skipped three years in four.
 */
export function birthdaysOn(today: Day): Array<{ month: number; day: number }> {
  const days = [{ month: today.month, day: today.day }];
  if (today.month === 2 && today.day === 28 && !isLeapYear(today.year)) days.push({ month: 2, day: 29 });
  return days;
}

/** One birthday bonus per member per year, whatever runs the job and how often. */
export const birthdayKey = (customerGid: string, year: number) => `birthday:${customerGid}:${year}`;

export function dayOf(date: Date): Day {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
