import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { listRewards, saveReward } from "~/models/reward.server";
import { amountOff, freeShipping, percentOff, storeCredit } from "#test/factories/rewards";
import { installedShop } from "#test/support/shops";

describe("rewards", () => {
  it("stores each kind validated in the shop's currency and lists them cheapest first", async () => {
    const shop = await installedShop({ currencyCode: "EUR" });
    await saveReward(shop, storeCredit(600, "5.00"));
    await saveReward(shop, percentOff(1000, "10"));
    await saveReward(shop, freeShipping(300, { enabled: false }));
    const saved = await saveReward(shop, amountOff(500, "5.00", { minimumSubtotal: "20.00" }));

    expect(saved.ok && saved.reward).toMatchObject({
      kind: "AMOUNT_OFF",
      amount: 500n,
      minimumSubtotal: 2000n,
    });
    expect((await listRewards(shop)).map((r) => r.pointsCost)).toEqual([300, 500, 600, 1000]);
    expect((await listRewards(shop, { enabledOnly: true })).map((r) => r.kind)).toEqual([
      "AMOUNT_OFF",
      "STORE_CREDIT",
      "PERCENT_OFF",
    ]);
  });

  it("changes only the shop's own rewards", async () => {
    const mine = await installedShop();
    const theirs = await installedShop();
    const theirReward = await saveReward(theirs, amountOff(500, "5.00"));
    if (!theirReward.ok) throw new Error("setup failed");

    const result = await saveReward(mine, amountOff(1, "500.00"), theirReward.reward.id);

    expect(result).toEqual({ ok: false, fieldErrors: { form: "This reward no longer exists" } });
    expect(await prisma.reward.findUniqueOrThrow({ where: { id: theirReward.reward.id } })).toMatchObject({
      shop: theirs,
      pointsCost: 500,
      amount: 500n,
    });
    expect(await listRewards(mine)).toEqual([]);
  });

  it("is held to the same shape by the database, whatever code writes it", async () => {
    const shop = await installedShop();
    const write = (data: Record<string, unknown>) =>
      prisma.reward.create({
        data: {
          shop,
          kind: "PERCENT_OFF",
          name: "x",
          pointsCost: 10,
          percentHundredths: 1000,
          codeValidDays: 30,
          ...data,
        },
      });

    await expect(write({ amount: 500n })).rejects.toThrow(/Reward_value_matches_kind/);
    await expect(write({ percentHundredths: 10_001 })).rejects.toThrow(/Reward_value_matches_kind/);
    await expect(write({ pointsCost: 0 })).rejects.toThrow(/Reward_pointsCost_positive/);
    await expect(write({ codeValidDays: null })).rejects.toThrow(/Reward_code_validity/);
    await expect(write({ kind: "AMOUNT_OFF", percentHundredths: null })).rejects.toThrow(
      /Reward_value_matches_kind/,
    );
    await expect(write({ kind: "STORE_CREDIT", percentHundredths: null, amount: 500n })).rejects.toThrow(
      /Reward_code_validity/,
    );
    await expect(write({})).resolves.toMatchObject({ percentHundredths: 1000 });
  });
});
