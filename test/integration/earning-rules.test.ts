import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { updateEarningRules } from "~/models/program.server";
import { orderPayload } from "#test/factories/order";
import { earningRulesInput } from "#test/factories/rules";
import { installedShop } from "#test/support/shops";
import { deliver, runWorkersDuringFile, settledDelivery } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 2 });

let nextOrder = 7_100_000_000_000;

const rules = earningRulesInput({
  earnRate: "2",
  earnIncludeShipping: true,
  rounding: "HALF_UP",
  minimumSubtotal: "10.00",
  excludedProductGids: ["gid://shopify/Product/999"],
});

async function earnedBy(
  shop: string,
  topic: "orders/paid" | "orders/fulfilled",
  spec: Parameters<typeof orderPayload>[0],
) {
  const webhookId = `${topic}-${spec.orderId}`;
  const body = orderPayload({ ...spec, fulfilled: topic === "orders/fulfilled" });
  await deliver({ shop, topic, webhookId, body });
  const delivery = await settledDelivery(shop, webhookId);
  const entry = await prisma.ledgerEntry.findFirst({
    where: { shop, source: `gid://shopify/Order/${spec.orderId}` },
  });
  return { delivery, entry };
}

describe("earning rules, stored and applied", () => {
  it("a saved change applies to the next order and the entry records the new rule version", async () => {
    const shop = await installedShop();

    const saved = await updateEarningRules(shop, rules);

    expect(saved).toEqual({ ok: true, ruleVersion: 2 });
    const { entry } = await earnedBy(shop, "orders/paid", {
      orderId: nextOrder++,
      customerId: 1,
      lines: [{ price: "30.25" }, { price: "50.00", productId: 999 }],
      shipping: "5.00",
    });
    // 2 × (30.25 + 5.00 shipping), the excluded product left out, rounded half up.
    expect(entry?.points).toBe(71);
    expect(entry?.details).toMatchObject({
      ruleVersion: 2,
      rate: "2",
      rounding: "HALF_UP",
      includeShipping: true,
    });
  });

  it("an invalid change is refused field by field and changes nothing", async () => {
    const shop = await installedShop();

    const saved = await updateEarningRules(shop, { ...rules, earnRate: "abc", earnOn: "ORDERS_CREATED" });

    expect(saved.ok).toBe(false);
    expect(!saved.ok && Object.keys(saved.fieldErrors).sort()).toEqual(["earnOn", "earnRate"]);
    const settings = await prisma.programSettings.findUniqueOrThrow({ where: { shop } });
    expect(settings).toMatchObject({ ruleVersion: 1, earnIncludeShipping: false });
    expect(settings.earnRate.toString()).toBe("1");
  });

  it("test orders earn nothing by default, and do once the shop allows it", async () => {
    const shop = await installedShop();
    const first = await earnedBy(shop, "orders/paid", { orderId: nextOrder++, customerId: 2, test: true });
    expect(first.delivery.status).toBe("IGNORED");
    expect(first.entry).toBeNull();

    await updateEarningRules(shop, { ...rules, minimumSubtotal: null, earnOnTestOrders: true });
    const second = await earnedBy(shop, "orders/paid", { orderId: nextOrder++, customerId: 2, test: true });
    expect(second.entry?.points).toBe(200);
  });

  it("a shop that earns on fulfilment ignores orders/paid and earns once on orders/fulfilled", async () => {
    const shop = await installedShop();
    await updateEarningRules(shop, { ...rules, minimumSubtotal: null, earnOn: "ORDERS_FULFILLED" });
    const orderId = nextOrder++;

    const paid = await earnedBy(shop, "orders/paid", { orderId, customerId: 3 });
    const fulfilled = await earnedBy(shop, "orders/fulfilled", { orderId, customerId: 3 });

    expect(paid.delivery.outcome).toBe("this shop earns on orders/fulfilled");
    expect(fulfilled.entry?.points).toBe(200);
    expect(await prisma.ledgerEntry.count({ where: { shop } })).toBe(1);
  });

  it("an order under the minimum subtotal is settled with the reason and earns nothing", async () => {
    const shop = await installedShop();
    await updateEarningRules(shop, rules);

    const { delivery, entry } = await earnedBy(shop, "orders/paid", {
      orderId: nextOrder++,
      customerId: 4,
      lines: [{ price: "9.99" }],
    });

    expect(delivery.outcome).toBe("subtotal 9.99 USD is below the 10.00 minimum");
    expect(entry).toBeNull();
  });

  it("the database refuses a negative earn rate even if the domain were bypassed", async () => {
    const shop = await installedShop();

    await expect(
      prisma.programSettings.update({ where: { shop }, data: { earnRate: "-1" } }),
    ).rejects.toThrow();
  });
});

describe("switching inactivity expiry on", () => {
  it("starts the period when the merchant chooses it, keeps it while unchanged, and clears it when off", async () => {
    const shop = await installedShop();
    const read = () => prisma.programSettings.findUniqueOrThrow({ where: { shop } });

    const before = Date.now();
    await updateEarningRules(shop, { ...rules, expiryMonths: 12 });
    const switchedOn = (await read()).expiryEnabledAt!;
    await updateEarningRules(shop, { ...rules, expiryMonths: 12, earnRate: "3" });
    const unchanged = (await read()).expiryEnabledAt!;
    await updateEarningRules(shop, { ...rules, expiryMonths: null });

    expect(switchedOn.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(unchanged.getTime()).toBe(switchedOn.getTime());
    expect(await read()).toMatchObject({ expiryMonths: null, expiryEnabledAt: null });
  });

  it("earning counts as activity: an order moves the member's last activity forward", async () => {
    const shop = await installedShop();
    const orderId = nextOrder++;

    await earnedBy(shop, "orders/paid", { orderId, customerId: 9 });

    const member = await prisma.member.findFirstOrThrow({ where: { shop } });
    expect(Date.now() - member.lastActivityAt!.getTime()).toBeLessThan(60_000);
  });
});
