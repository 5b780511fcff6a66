// PostgreSQL SQLSTATE classes 22 (data exception: a value out of range) and
// 23 (integrity constraint violation: a CHECK, a foreign key) mean the
// database refused this data and will refuse it again; anything else
// (deadlocks, lost connections, serialization failures) may pass on retry.
const SQLSTATE_IN_MESSAGE = /\b(?:Code|code|SQLSTATE)\W{0,3}([0-9A-Z]{5})\b/;

/**
 * Whether the error or one of its causes carries a SQLSTATE the test accepts:
 * as its `code` (pg) or in its message (Prisma's raw-query errors, whose own
 * `code` is Prisma's P2010).
 */
function hasSqlState(error: unknown, test: (state: string) => boolean): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && test(code)) return true;
    const inMessage = cause instanceof Error ? SQLSTATE_IN_MESSAGE.exec(cause.message) : null;
    if (inMessage && test(inMessage[1]!)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** Whether retrying the same work can never succeed: the database refused its data. */
export function isRefusedByDatabase(error: unknown): boolean {
  return hasSqlState(error, (state) => /^2[23][0-9A-Z]{3}$/.test(state));
}

/** A unique index refused the row (23505): someone else holds that key. */
export function isUniqueViolation(error: unknown): boolean {
  return hasSqlState(error, (state) => state === "23505");
}

/** The first line of an error, for a delivery's outcome. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const refused = /Message: `([^`]+)`/.exec(message);
  return refused?.[1] ?? message.trim().split("\n").at(-1)!.slice(0, 300);
}
