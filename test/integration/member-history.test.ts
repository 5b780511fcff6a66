import { describe, expect, it } from "vitest";
import { memberHistory } from "~/models/member-history.server";
import { orderPayload } from "#test/factories/order";
import { refundPayload } from "#test/factories/refund";
import { installedShop } from "#test/support/shops";
import { deliver, runWorkersDuringFile, settledDelivery } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 2 });

describe("a member's history", () => {
  it("reads as a list of reasons, each naming the rule, the order and the amounts", async () => {
    const shop = await installedShop();
    const orderId = 7_300_000_000_001;
    await deliver({
      shop,
      topic: "orders/paid",
      webhookId: "p",
      body: orderPayload({ orderId, customerId: 5 }),
    });
    await settledDelivery(shop, "p");
    await deliver({
      shop,
      topic: "refunds/create",
      webhookId: "r",
      body: refundPayload({ refundId: 1, orderId, lines: [{ subtotal: "20.00" }] }),
    });
    await settledDelivery(shop, "r");

    const history = await memberHistory(shop, "gid://shopify/Customer/5");

    expect(history).toMatchObject({ points: 80, pointsOwed: 0 });
    expect(history!.lines.map((l) => [l.kind, l.points, l.reason])).toEqual([
      ["REVERSAL", -20, "Refund gid://shopify/Refund/1: 20 of the 100 points this order earned taken back"],
      ["EARN", 100, `Order #000001 (orders/paid): 100.00 USD at 1 points per USD`],
    ]);
    expect(history!.lines[1]!.details).toMatchObject({ rate: "1", base: "100.00", ruleVersion: 1 });
  });

  it("is empty for a customer of another shop", async () => {
    const shop = await installedShop();
    const other = await installedShop();
    await deliver({
      shop,
      topic: "orders/paid",
      webhookId: "p",
      body: orderPayload({ orderId: 7_300_000_000_002, customerId: 6 }),
    });
    await settledDelivery(shop, "p");

    expect(await memberHistory(other, "gid://shopify/Customer/6")).toBeNull();
  });
});
