import { describe, expect, it } from "vitest";
import { parseReward } from "~/domain/reward";
import { amountOff, freeShipping, percentOff, storeCredit } from "#test/factories/rewards";

describe("parseReward", () => {
  it("reads amounts in the shop currency's minor units and percentages in hundredths", () => {
    const usd = parseReward(
      amountOff(500, "5.00", {
        minimumSubtotal: "25",
        combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
      }),
      "USD",
    );
    const yen = parseReward(amountOff(500, "500"), "JPY");
    const percent = parseReward(percentOff(1000, "12.5"), "USD");

    expect(usd).toEqual({
      ok: true,
      value: {
        kind: "AMOUNT_OFF",
        name: "5.00 off",
        pointsCost: 500,
        amount: 500n,
        percentHundredths: null,
        minimumSubtotal: 2500n,
        combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
        codeValidDays: 30,
        enabled: true,
      },
    });
    expect(yen.ok && yen.value.amount).toBe(500n);
    expect(percent.ok && percent.value.percentHundredths).toBe(1250);
  });

  it("refuses what Shopify could not issue, naming the field", () => {
    expect(parseReward(amountOff(500, "5.001"), "USD").fieldErrors).toEqual({
      value: "Enter an amount in USD, such as 5.00",
    });
    expect(parseReward(amountOff(500, "5.5"), "JPY").fieldErrors).toEqual({
      value: "Enter an amount in JPY, such as 500",
    });
    expect(parseReward(percentOff(500, "100.5"), "USD").fieldErrors).toEqual({
      value: "Enter a percentage from 0.01 to 100",
    });
    expect(parseReward(percentOff(0, "10"), "USD").fieldErrors).toEqual({
      pointsCost: "A reward costs at least 1 point",
    });
    expect(parseReward(freeShipping(300, { value: "5.00" }), "USD").fieldErrors).toEqual({
      value: "Free shipping has no amount",
    });
    expect(parseReward(freeShipping(300, { codeValidDays: undefined }), "USD").fieldErrors).toEqual({
      codeValidDays: "Enter how many days a code stays valid",
    });
  });

  it("gives store credit no code validity and no minimum order", () => {
    const credit = parseReward(storeCredit(600, "5.00"), "EUR");
    const withMinimum = parseReward(storeCredit(600, "5.00", { minimumSubtotal: "20.00" }), "EUR");

    expect(credit.ok && credit.value).toMatchObject({
      amount: 500n,
      codeValidDays: null,
      minimumSubtotal: null,
    });
    expect(withMinimum.fieldErrors).toEqual({ minimumSubtotal: "Store credit has no minimum order" });
  });
});
