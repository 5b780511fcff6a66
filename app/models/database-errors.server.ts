// PostgreSQL SQLSTATE classes 22 (data exception: a value out of range) and
// 23 (integrity constraint violation: a CHECK, a foreign key) mean the
// database refused this data and will refuse it again; anything else
// (deadlocks, lost connections, serialization failures) may pass on retry.
const REFUSED_BY_DATA = /\b(?:Code|code|SQLSTATE)\W{0,3}(2[23][0-9A-Z]{3})\b/;

/** The SQLSTATE in an error or its causes (raw queries carry it only in the message). */
function sqlStateOf(error: unknown): string | null {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    const inMessage = cause instanceof Error ? REFUSED_BY_DATA.exec(cause.message) : null;
    if (inMessage) return inMessage[1]!;
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}

/** Whether retrying the same work can never succeed: the database refused its data. */
export function isRefusedByDatabase(error: unknown): boolean {
  return /^2[23]/.test(sqlStateOf(error) ?? "");
}

/** A unique index refused the row (23505): someone else holds that key. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === "23505";
}

/** The first line of an error, for a delivery's outcome. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const refused = /Message: `([^`]+)`/.exec(message);
  return refused?.[1] ?? message.trim().split("\n").at(-1)!.slice(0, 300);
}
