import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runShopifySync } from "~/jobs/run-shopify-sync.server";
import { updateEarningRules } from "~/models/program.server";
import { saveReward } from "~/models/reward.server";
import { shopsWithStaleSync } from "~/models/shopify-sync.server";
import { saveTierProgram } from "~/models/tier-program.server";
import * as proxyCustomer from "~/routes/proxy.customer";
import { amountOff, freeShipping, storeCredit } from "#test/factories/rewards";
import { earningRulesInput } from "#test/factories/rules";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { balancesOf, memberWithPoints, redeemCall } from "#test/support/redemption";
import { callRoute } from "#test/support/routes";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";

const standIn = standInDuringFile();

function programIn(shop: string) {
  const installation = standIn.state(shop).shop.appInstallationId;
  const metafield = standIn
    .metafieldsOf(shop, installation)
    .find((m) => m.namespace === "tally" && m.key === "program");
  return metafield && { type: metafield.type, value: JSON.parse(metafield.value) as unknown };
}

const publishes = (shop: string) =>
  standIn.graphqlRequests(shop).filter((r) => r.query.includes("TallyPublishProgram")).length;

describe("the program the storefront reads without asking the app", () => {
  it("is published as the tally.program app-data metafield when rewards or rules change, and only then", async () => {
    const { shop } = await connectedShop(standIn, "program");
    await saveReward(shop, amountOff(500, "5.00"));
    await saveReward(shop, freeShipping(300));
    await saveReward(shop, storeCredit(900, "10.00", { enabled: false }));

    await runShopifySync(shop);

    expect(programIn(shop)).toEqual({
      type: "json",
      value: {
        version: 1,
        currency: "USD",
        earn: { numerator: 1, denominator: 100, rounding: "FLOOR" },
        signupBonus: 0,
        rewards: [
          { name: "Free shipping", kind: "FREE_SHIPPING", pointsCost: 300 },
          { name: "5.00 off", kind: "AMOUNT_OFF", pointsCost: 500 },
        ],
      },
    });
    await runShopifySync(shop);
    expect(publishes(shop)).toBe(1);

    const saved = await updateEarningRules(shop, earningRulesInput({ earnRate: "2.5", signupBonus: 50 }));
    expect(saved.ok).toBe(true);
    await runShopifySync(shop);

    expect(programIn(shop)?.value).toMatchObject({
      earn: { numerator: 25, denominator: 1000, rounding: "FLOOR" },
      signupBonus: 50,
    });
    expect(publishes(shop)).toBe(2);
  });

  it("an unpublished change is found by the sweeper, so a lost job loses nothing", async () => {
    const { shop } = await connectedShop(standIn, "lost");
    await saveReward(shop, amountOff(500, "5.00"));

    expect(await shopsWithStaleSync(0)).toContain(shop);
    await runShopifySync(shop);
    expect(await shopsWithStaleSync(0)).not.toContain(shop);
  });
});

describe("GET /apps/tally/customer for a member", () => {
  it("answers the balance, tier, progress, affordable rewards and live codes in one go", async () => {
    const { shop, customerId } = await connectedShop(standIn, "answer");
    const saved = await saveTierProgram(
      shop,
      tierProgramInput([tierInput("Silver", "500"), tierInput("Gold", "2000")]),
    );
    expect(saved.ok).toBe(true);
    const cheap = await saveReward(shop, amountOff(500, "5.00"));
    await saveReward(shop, freeShipping(5000));
    const memberId = await memberWithPoints(shop, customerId, 1100);
    await prisma.member.update({
      where: { id: memberId },
      data: { tierValue: 1100n, tierId: await tierId(shop, "Silver") },
    });
    const issued = await redeemCall(shop, customerId, { rewardId: cheap.ok ? cheap.reward.id : "" });
    const numeric = customerId.slice(customerId.lastIndexOf("/") + 1);

    const response = (await callRoute(
      proxyCustomer.loader,
      new Request(
        signAppProxyUrl({
          secret: process.env.SHOPIFY_API_SECRET!,
          shop,
          url: "https://tally.test/proxy/customer",
          loggedInCustomerId: numeric,
        }),
      ),
    )) as Response;

    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await response.json()).toEqual({
      loggedIn: true,
      points: 600,
      pendingPoints: 0,
      tier: { name: "Silver" },
      nextTier: { name: "Gold", metric: "POINTS", remaining: 900, progress: 0.55 },
      rewards: [
        { id: expect.any(String), name: "5.00 off", kind: "AMOUNT_OFF", pointsCost: 500, affordable: true },
        {
          id: expect.any(String),
          name: "Free shipping",
          kind: "FREE_SHIPPING",
          pointsCost: 5000,
          affordable: false,
        },
      ],
      issued: [
        {
          id: issued.body.redemption!.id,
          rewardName: "5.00 off",
          kind: "AMOUNT_OFF",
          code: issued.body.redemption!.code,
          expiresAt: issued.body.redemption!.expiresAt,
          status: "ISSUED",
        },
      ],
    });
    expect(await balancesOf(memberId)).toMatchObject({ points: 600, ledgerAgrees: true });
  });
});

async function tierId(shop: string, name: string) {
  return (await prisma.tier.findFirstOrThrow({ where: { shop, name } })).id;
}
