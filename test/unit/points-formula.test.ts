import { describe, expect, it } from "vitest";
import { parseCurrency, parseMoney, type CurrencyCode } from "~/domain/money";
import { decideEarning } from "~/domain/earning-rules";
import { parseOrderPayload } from "~/domain/order-payload";
import { orderPayload, type OrderSpec } from "#test/factories/order";
import { earningRules } from "#test/factories/rules";

function earn(spec: Omit<OrderSpec, "orderId" | "customerId">, rate = "1"): number {
  const facts = parseOrderPayload(orderPayload({ orderId: 1, customerId: 2, ...spec }));
  if (!facts.ok) throw new Error(facts.reason);
  const decision = decideEarning(facts.value, earningRules({ rate }), "ORDERS_PAID");
  return decision.kind === "earn" ? decision.points : 0;
}

describe("points for an order", () => {
  it("earns one point per unit of shop currency by default, rounded down", () => {
    expect(earn({ lines: [{ price: "404.95" }] })).toBe(404);
  });

  it("earns on the subtotal after line and order discounts", () => {
    expect(earn({ lines: [{ price: "100.00", discount: "20.50" }, { price: "50.00" }] })).toBe(129);
  });

  it("never earns on shipping", () => {
    expect(earn({ lines: [{ price: "30.00" }], shipping: "15.00" })).toBe(30);
  });

  it("never earns on tax added on top of prices", () => {
    expect(earn({ lines: [{ price: "100.00", tax: "8.25" }] })).toBe(100);
  });

  it("takes the tax out of prices that include tax", () => {
    expect(earn({ lines: [{ price: "120.00", tax: "20.00" }], taxesIncluded: true })).toBe(100);
  });

  it("never earns on gift cards bought in the order", () => {
    expect(earn({ lines: [{ price: "40.00" }, { price: "50.00", giftCard: true }] })).toBe(40);
  });

  it("multiplies by quantity", () => {
    expect(earn({ lines: [{ price: "9.99", quantity: 3 }] })).toBe(29);
  });

  it("applies a fractional rate exactly: 0.1 × 10.00 is 1 point, not 0.999…", () => {
    expect(earn({ lines: [{ price: "10.00" }] }, "0.1")).toBe(1);
    expect(earn({ lines: [{ price: "19.99" }] }, "0.1")).toBe(1);
    expect(earn({ lines: [{ price: "0.30" }] }, "10")).toBe(3);
  });

  it("applies rates above one", () => {
    expect(earn({ lines: [{ price: "10.01" }] }, "2.5")).toBe(25);
  });

  it("handles zero-decimal currencies like yen", () => {
    expect(earn({ currency: "JPY", lines: [{ price: "1999" }] }, "0.01")).toBe(19);
  });

  it("handles three-decimal currencies like Kuwaiti dinar", () => {
    expect(earn({ currency: "KWD", lines: [{ price: "12.345" }] })).toBe(12);
  });

  it("earns nothing when discounts cover the whole order", () => {
    expect(earn({ lines: [{ price: "10.00", discount: "10.00" }] })).toBe(0);
  });
});

describe("order payloads that must be refused", () => {
  const base = () => orderPayload({ orderId: 1, customerId: 2 }) as Record<string, unknown>;

  it("refuses an unknown currency", () => {
    const result = parseOrderPayload({ ...base(), currency: "ZZZ" });
    expect(result).toEqual({ ok: false, reason: 'unknown currency "ZZZ"' });
  });

  it("refuses a missing subtotal", () => {
    const { subtotal_price_set: _, ...payload } = base();
    const result = parseOrderPayload(payload);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain("subtotal_price_set");
  });

  it("refuses a malformed amount instead of rounding it", () => {
    const payload = base();
    payload.subtotal_price_set = { shop_money: { amount: "12.3.4", currency_code: "USD" } };
    expect(parseOrderPayload(payload).ok).toBe(false);
    payload.subtotal_price_set = { shop_money: { amount: "12.345", currency_code: "USD" } };
    expect(parseOrderPayload(payload).ok).toBe(false);
  });

  it("refuses negative and absurd amounts", () => {
    const payload = base();
    payload.subtotal_price_set = { shop_money: { amount: "-5.00", currency_code: "USD" } };
    expect(parseOrderPayload(payload).ok).toBe(false);
    payload.subtotal_price_set = { shop_money: { amount: "99999999999999.00", currency_code: "USD" } };
    expect(parseOrderPayload(payload).ok).toBe(false);
  });

  it("refuses shop money in a currency other than the order's", () => {
    const payload = base();
    payload.subtotal_price_set = { shop_money: { amount: "5.00", currency_code: "EUR" } };
    expect(parseOrderPayload(payload).ok).toBe(false);
  });

  it("refuses an order without its GID", () => {
    expect(parseOrderPayload({ ...base(), admin_graphql_api_id: 820982911946154508 }).ok).toBe(false);
  });

  it("reads a guest order as having no customer", () => {
    const result = parseOrderPayload({ ...base(), customer: null });
    expect(result.ok && result.value.customerGid).toBeNull();
  });
});

describe("money parsing", () => {
  const usd = parseCurrency("USD") as CurrencyCode;
  it("parses decimal strings and JSON numbers exactly", () => {
    expect(parseMoney("404.95", usd)?.minor).toBe(40495n);
    expect(parseMoney(89.99, usd)?.minor).toBe(8999n);
    expect(parseMoney("7", usd)?.minor).toBe(700n);
  });
  it("refuses exponent notation and non-numbers", () => {
    expect(parseMoney("1e3", usd)).toBeNull();
    expect(parseMoney("abc", usd)).toBeNull();
    expect(parseMoney(Number.NaN, usd)).toBeNull();
  });
});
