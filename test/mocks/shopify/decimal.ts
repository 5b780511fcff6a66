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

export function subtractDecimals(a: string, b: string): string {
  return formatDecimal((parseDecimal(a) ?? 0n) - (parseDecimal(b) ?? 0n));
}

export function sumDecimals(values: string[]): string {
  return formatDecimal(values.reduce((sum, value) => sum + (parseDecimal(value) ?? 0n), 0n));
}

export function multiplyDecimal(value: string, times: number): string {
  return formatDecimal((parseDecimal(value) ?? 0n) * BigInt(times));
}

export function compareDecimals(a: string, b: string): number {
  const difference = (parseDecimal(a) ?? 0n) - (parseDecimal(b) ?? 0n);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** Minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD), per ISO 4217 as Intl knows it. */
export function currencyDigits(currencyCode: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions()
    .maximumFractionDigits!;
}

/**
 * A seeded amount Shopify could hold: a non-negative decimal with no more fraction digits than the
 * currency has. Anything else is a mistake in the test, never rounded into something plausible.
 */
export function currencyAmount(value: string, currencyCode: string, what: string): string {
  const units = parseDecimal(value);
  if (units === null || units < 0n) throw new Error(`${what}: ${value} is not a non-negative decimal`);
  const fraction = value.trim().split(".")[1]?.replace(/0+$/, "") ?? "";
  if (fraction.length > currencyDigits(currencyCode)) {
    throw new Error(`${what}: ${value} has more precision than ${currencyCode} allows`);
  }
  return formatDecimal(units);
}

/** REST and webhook JSON render amounts with the currency's digits: "5.00", "1000" for JPY. */
export function formatCurrencyAmount(value: string, currencyCode: string): string {
  const digits = currencyDigits(currencyCode);
  const units = parseDecimal(value) ?? 0n;
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = (abs / SCALE).toString();
  const fraction = (abs % SCALE).toString().padStart(5, "0").slice(0, digits);
  return `${negative ? "-" : ""}${whole}${digits > 0 ? `.${fraction}` : ""}`;
}
