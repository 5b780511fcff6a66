/**
 * JSON.parse that keeps integers beyond 2^53 exact by returning them as
 * strings. Shopify's numeric ids (customer, product, order) exceed 2^53 and
 * plain JSON.parse silently rounds them to a different id.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && !Number.isSafeInteger(value) && isIntegerSource(context?.source)
      ? context!.source
      : value,
  );
}

function isIntegerSource(source: string | undefined): source is string {
  return source !== undefined && /^-?\d+$/.test(source);
}
