/** A value or the reason there is none, for input that may be refused. */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refuse = <T = never>(reason: string): Result<T> => ({ ok: false, reason });

/** A payload refusal that says which fields were wrong and why (the first few). */
export function describeIssues(error: {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join(".") || "payload"}: ${issue.message}`)
    .join("; ");
}

/** A refusal of a form: each field's message, and all of them as the reason. */
export function refuseFields(fieldErrors: Record<string, string>) {
  const reason = Object.entries(fieldErrors)
    .map(([field, message]) => `${field}: ${message}`)
    .join("; ");
  return { ...refuse(reason), fieldErrors };
}

/** Each zod issue's message under its field's path (the first per field). */
export function fieldErrorsOf(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>) {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) fieldErrors[issue.path.map(String).join(".") || "form"] ??= issue.message;
  return fieldErrors;
}
