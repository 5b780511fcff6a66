/**
 * JSON.parse that keeps integers beyond 2^53 exact by returning them as
 * strings. Shopify's numeric ids (customer, product, order) exceed 2^53 and
 * plain JSON.parse silently rounds them to a different id.
 */
export function parseJsonExact(text: string): unknown {
  // The reviver costs a call per value; without a 16-digit run of digits
  // there is no integer above 2^53 and plain parsing is already exact.
  if (!SIXTEEN_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && !Number.isSafeInteger(value) && isIntegerSource(context?.source)
      ? context!.source
      : value,
  );
}

const SIXTEEN_DIGITS = /\d{16}/;

function isIntegerSource(source: string | undefined): source is string {
  return source !== undefined && /^-?\d+$/.test(source);
}
