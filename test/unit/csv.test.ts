import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow, toCsv } from "~/domain/csv";

/** Reads CSV back as RFC 4180 says (and as spreadsheets do): quoted cells, "" for a quote, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) throw new Error("the CSV does not end with CRLF");
  return rows;
}

const FORMULA_CHARS = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"];

describe("CSV cells for merchants' exports", () => {
  it.each([
    ['=HYPERLINK("http://evil.test","Click")', `"'=HYPERLINK(""http://evil.test"",""Click"")"`],
    ["+cmd|' /C calc'!A0", `"'+cmd|' /C calc'!A0"`],
    ["-2+3", `"'-2+3"`],
    ["@SUM(A1:A9)", `"'@SUM(A1:A9)"`],
    ["\t=1+1", `"'\t=1+1"`],
    ["\r=1+1", `"'\r=1+1"`],
    ["＝1+1", `"'＝1+1"`],
  ])("shows %j as typed instead of running it as a formula", (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });

  it("leaves ordinary text alone, quoting it so commas, quotes and line breaks stay in the cell", () => {
    expect(csvCell("Ada Lovelace")).toBe('"Ada Lovelace"');
    expect(csvCell('Refund, "partial"\nsecond line')).toBe('"Refund, ""partial""\nsecond line"');
    expect(csvCell("a=b")).toBe('"a=b"');
    expect(csvCell(" =1+1")).toBe('" =1+1"');
    expect(csvCell("")).toBe('""');
  });

  it("writes numbers as numbers, negative ones included, and nothing for a missing value", () => {
    expect(csvRow([-500, 0, 12.5, 9007199254740993n, true, null, undefined])).toBe(
      "-500,0,12.5,9007199254740993,true,,",
    );
  });

  it("refuses a number no spreadsheet could read", () => {
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
    expect(() => csvCell(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("starts the file with a byte-order mark and ends every record with CRLF", () => {
    expect(toCsv(["Name", "Points"], [["Zoë", 120]])).toBe('\uFEFF"Name","Points"\r\n"Zoë",120\r\n');
  });

  it("refuses a row whose cells do not match the header", () => {
    expect(() => toCsv(["Name", "Points"], [["Ada"]])).toThrow("CSV row 1 has 1 cells; the header has 2");
  });

  it("reads back every text exactly, behind a ' when it would start a formula, and no cell starts one", () => {
    const text = fc.oneof(
      fc.string({ unit: "grapheme" }),
      fc.tuple(fc.constantFrom(...FORMULA_CHARS), fc.string()).map(([start, rest]) => start + rest),
      fc.string({ unit: fc.constantFrom('"', ",", "\r", "\n", "=", "'", "a") }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        const parsed = parseCsv(toCsv(["a", "b"], rows).slice(1));
        expect(parsed[0]).toEqual(["a", "b"]);
        const cells = parsed.slice(1).flat();
        expect(cells).toEqual(
          rows.flat().map((cell) => (FORMULA_CHARS.some((c) => cell.startsWith(c)) ? `'${cell}` : cell)),
        );
        for (const cell of cells) expect(FORMULA_CHARS.some((c) => cell.startsWith(c))).toBe(false);
      }),
    );
  });
});
