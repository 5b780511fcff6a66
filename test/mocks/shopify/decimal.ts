/**
 * Shopify serialises Decimal scalars without trailing zeros but with at least one fraction digit
 * ("5.00" → "5.0", "12.50" → "12.5"). Amounts are handled as integer hundred-thousandths to keep
 * sums exact without a decimal library.
 */
const SCALE = 100_000n;

export function parseDecimal(value: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,5}))?$/.exec(value.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  const units = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(5, "0"));
  return sign === "-" ? -units : units;
}

export function formatDecimal(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const fraction = (abs % SCALE).toString().padStart(5, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / SCALE}.${fraction === "" ? "0" : fraction}`;
}

export function normalizeDecimal(value: string): string {
  const units = parseDecimal(value);
  if (units === null) throw new Error(`Not a decimal: ${value}`);
  return formatDecimal(units);
}

export function addDecimals(a: string, b: string): string {
  return formatDecimal((parseDecimal(a) ?? 0n) + (parseDecimal(b) ?? 0n));
}
