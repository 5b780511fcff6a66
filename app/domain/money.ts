// Money is an integer count of the currency's minor units (cents, yen, fils),
// parsed exactly from Shopify's decimal strings. No binary floats anywhere.

// Shopify's CurrencyCode enum (Admin API 2026-10), less XXX ("unknown").
const SHOPIFY_CURRENCIES = new Set(
  (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP " +
    "BYN BYR BZD CAD CDF CHF CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP " +
    "GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JEP JMD JOD JPY KES " +
    "KGS KHR KID KMF KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA MKD MMK MNT MOP " +
    "MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON " +
    "RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STD STN SYP SZL THB TJS TMT TND TOP " +
    "TRY TTD TWD TZS UAH UGX USD USDC UYU UZS VED VEF VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW"
  ).split(" "),
);

// ISO 4217 minor-unit exponents that differ from the usual 2.
const EXPONENT_EXCEPTIONS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export type CurrencyCode = string & { readonly __brand: "CurrencyCode" };

export function parseCurrency(code: string): CurrencyCode | null {
  return SHOPIFY_CURRENCIES.has(code) ? (code as CurrencyCode) : null;
}

export function minorUnitExponent(currency: CurrencyCode): number {
  return EXPONENT_EXCEPTIONS[currency] ?? 2;
}

/** An amount in minor units of one currency. */
export interface Money {
  readonly currency: CurrencyCode;
  readonly minor: bigint;
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d{1,12}))?$/;

/**
 * Parses a decimal string such as "404.95" exactly into minor units. Returns
 * null for anything that is not a plain decimal, or that carries more
 * precision than the currency has (a malformed amount must never be rounded
 * into a plausible one).
 */
export function parseMoney(amount: string | number, currency: CurrencyCode): Money | null {
  // refund_line_items[].subtotal arrives as a JSON number; its decimal
  // rendering is exact for any value Shopify can send (≤ 15 significant digits).
  const text = typeof amount === "number" ? numberToDecimal(amount) : amount.trim();
  if (text === null) return null;
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  const exponent = minorUnitExponent(currency);
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > exponent) return null;
  const minor = BigInt(whole + fraction.padEnd(exponent, "0").slice(0, exponent));
  return { currency, minor: sign ? -minor : minor };
}

function numberToDecimal(value: number): string | null {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e15) return null;
  return String(value).includes("e") ? null : String(value);
}

export function formatMinor(money: Money): string {
  const exponent = minorUnitExponent(money.currency);
  const negative = money.minor < 0n;
  const digits = (negative ? -money.minor : money.minor).toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}
