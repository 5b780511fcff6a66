// CSV for merchants' exports (members, ledger entries, redemptions). Names,
// reasons and notes come from shoppers and staff, and a spreadsheet runs a cell
// that starts like a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+cmd|…`): OWASP's
// "CSV Injection". Every export writes its cells through this module.

export type CsvValue = string | number | bigint | boolean | null | undefined;

// OWASP's list (= + - @, tab, carriage return), plus the full-width forms of the
// first four, which Excel in East Asian locales also reads as the start of a formula.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * One cell. Text is always quoted (a comma, a quote or a line break stays inside
 * the cell) and text that a spreadsheet would read as a formula is prefixed with
 * a `'`, which shows it as typed. Numbers are written as numbers, so a negative
 * amount stays a number: a number cannot be a formula.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`A CSV cell cannot hold ${value}`);
    return String(value);
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replaceAll('"', '""')}"`;
}

export const csvRow = (values: readonly CsvValue[]): string => values.map(csvCell).join(",");

/**
 * A whole file, RFC 4180: CRLF between records, and a byte-order mark so that
 * Excel reads UTF-8 names (é, ü, 日本) as they are.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  for (const [index, row] of rows.entries()) {
    if (row.length !== header.length) {
      throw new RangeError(`CSV row ${index + 1} has ${row.length} cells; the header has ${header.length}`);
    }
  }
  return `\uFEFF${[header, ...rows].map(csvRow).join("\r\n")}\r\n`;
}
