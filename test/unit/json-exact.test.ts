import { describe, expect, it } from "vitest";
import { parseJsonExact } from "~/domain/json";

describe("exact JSON parsing of Shopify payloads", () => {
  it("keeps an id above 2^53 exact, as a string", () => {
    expect(parseJsonExact('{"id":820982911946154508}')).toEqual({ id: "820982911946154508" });
  });

  it("leaves ordinary numbers as numbers", () => {
    expect(parseJsonExact('{"id":7041234567890,"price":89.99,"n":-3}')).toEqual({
      id: 7041234567890,
      price: 89.99,
      n: -3,
    });
  });

  it("does not mistake digits inside strings for big numbers", () => {
    expect(parseJsonExact('{"note":"1234567890123456789","id":5}')).toEqual({
      note: "1234567890123456789",
      id: 5,
    });
  });

  it("keeps a 16-digit id below 2^53 a number and one above it a string", () => {
    expect(parseJsonExact('{"a":9007199254740991,"b":9007199254740993}')).toEqual({
      a: 9007199254740991,
      b: "9007199254740993",
    });
  });
});
