import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { snapshotOf, reservePoints } from "~/models/redemption.server";
import { updateEarningRules } from "~/models/program.server";
import { saveReward } from "~/models/reward.server";
import { createAdminClient } from "~/services/admin-client.server";
import { issueReward } from "~/services/reward-issue.server";
import { sweepRedemptions } from "~/services/redemption-sweep.server";
import { requestHash, shopifyRewardInput } from "~/domain/redemption";
import { amountOff, freeShipping, percentOff, storeCredit } from "#test/factories/rewards";
import { earningRulesInput } from "#test/factories/rules";
import { balancesOf, memberWithPoints, redeemCall, withoutRedeemLimit } from "#test/support/redemption";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";
import { deliverAndDrain } from "#test/support/webhooks";

const standIn = standInDuringFile();
const DAY = 86_400_000;

async function rewardIn(shop: string, input: Record<string, unknown>) {
  const saved = await saveReward(shop, input);
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  return saved.reward.id;
}

/** A connected shop, a customer in Shopify with `points`, and one reward. */
async function shopWith(points: number, reward: Record<string, unknown> = amountOff(500, "5.00")) {
  const { shop, customerId } = await connectedShop(standIn, "redeem");
  const memberId = await memberWithPoints(shop, customerId, points);
  const rewardId = await rewardIn(shop, reward);
  return { shop, customerId, memberId, rewardId };
}

const ledgerOf = (memberId: string) =>
  prisma.ledgerEntry.findMany({
    where: { memberId },
    orderBy: { id: "asc" },
    select: { kind: true, points: true, reason: true },
  });

describe("redeeming points over the app proxy", () => {
  it("an amount-off reward makes one single-use code for this customer, and spends the points once", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(
      620,
      amountOff(500, "5.00", {
        minimumSubtotal: "25.00",
        combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
      }),
    );
    const before = Date.now();

    const { status, body } = await redeemCall(shop, customerId, { rewardId });

    expect(status).toBe(200);
    expect(body.points).toBe(120);
    const redemption = body.redemption!;
    expect(redemption).toMatchObject({
      rewardId,
      rewardName: "5.00 off",
      kind: "AMOUNT_OFF",
      status: "ISSUED",
      pointsSpent: 500,
      credit: null,
    });
    expect(redemption.code).toMatch(
      /^TALLY-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
    );
    const [discount, ...others] = standIn.discounts(shop);
    expect(others).toHaveLength(0);
    expect(discount!.kind).toBe("basic");
    const { startsAt, endsAt, ...input } = discount!.input;
    expect(input).toEqual({
      title: `Tally reward: 5.00 off (${redemption.code})`,
      code: redemption.code,
      context: { customers: { add: [customerId] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.00" } },
      customerGets: {
        value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } },
        items: { all: true },
      },
    });
    expect(Date.parse(startsAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(endsAt!) - Date.parse(startsAt!)).toBe(30 * DAY);
    expect(redemption.expiresAt).toBe(new Date(endsAt!).toISOString());
    expect(await balancesOf(memberId)).toEqual({ points: 120, reserved: 0, ledgerAgrees: true });
    expect((await ledgerOf(memberId)).at(-1)).toEqual({
      kind: "REDEMPTION",
      points: -500,
      reason: "Redeemed for 5.00 off",
    });
  });

  it("percent off and free shipping make the matching Shopify discounts", async () => {
    const { shop, customerId, memberId } = await shopWith(1000);
    const percent = await rewardIn(shop, percentOff(300, "12.5"));
    const shipping = await rewardIn(shop, freeShipping(200));

    expect((await redeemCall(shop, customerId, { rewardId: percent })).status).toBe(200);
    expect((await redeemCall(shop, customerId, { rewardId: shipping })).status).toBe(200);

    const [first, second] = standIn.discounts(shop);
    expect(first!.input.customerGets).toEqual({ value: { percentage: 0.125 }, items: { all: true } });
    expect(second!.kind).toBe("freeShipping");
    expect(second!.input).toMatchObject({
      destination: { all: true },
      usageLimit: 1,
      context: { customers: { add: [customerId] } },
    });
    expect(await balancesOf(memberId)).toEqual({ points: 500, reserved: 0, ledgerAgrees: true });
  });

  it("store credit is added to the customer's account in the shop currency", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(800, storeCredit(700, "7.50"));

    const { status, body } = await redeemCall(shop, customerId, { rewardId });

    expect(status).toBe(200);
    expect(body.redemption).toMatchObject({
      status: "CREDITED",
      code: null,
      expiresAt: null,
      credit: { amount: "7.50", currency: "USD" },
    });
    expect(standIn.storeCreditAccounts(shop, customerId).map((a) => [a.currencyCode, a.balance])).toEqual([
      ["USD", "7.5"],
    ]);
    expect(await balancesOf(memberId)).toEqual({ points: 100, reserved: 0, ledgerAgrees: true });
  });

  it("a replay of the same key answers as the first time and makes nothing new", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(1200);
    const idempotencyKey = randomUUID();

    const first = await redeemCall(shop, customerId, { rewardId, idempotencyKey });
    const again = await redeemCall(shop, customerId, { rewardId, idempotencyKey });

    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(again.body).toEqual(first.body);
    expect(standIn.discounts(shop)).toHaveLength(1);
    expect(await balancesOf(memberId)).toEqual({ points: 700, reserved: 0, ledgerAgrees: true });
  });

  it("ten requests with one key at once redeem once, round after round", async () => {
    withoutRedeemLimit();
    const { shop, rewardId } = await shopWith(0);
    // Once, a settle and a same-key request took the member's and the
    // redemption's rows in opposite orders and deadlocked: rounds find that.
    for (let round = 0; round < 20; round++) {
      const customerId = standIn.addCustomer(shop, {});
      const memberId = await memberWithPoints(shop, customerId, 5000);
      const idempotencyKey = randomUUID();

      const answers = await Promise.all(
        Array.from({ length: 10 }, () => redeemCall(shop, customerId, { rewardId, idempotencyKey })),
      );

      const fresh = answers.filter((a) => a.status === 200 && !a.headers.get("Idempotent-Replayed"));
      expect(fresh, `round ${round}`).toHaveLength(1);
      for (const other of answers.filter((a) => a !== fresh[0])) {
        // Either still running when it asked, or finished: never a second redemption.
        if (other.status === 200) expect(other.body).toEqual(fresh[0]!.body);
        else expect([other.status, other.body.error]).toEqual([409, "redemption_in_progress"]);
      }
      const codes = standIn
        .discounts(shop)
        .filter((d) => d.input.context?.customers?.add?.includes(customerId));
      expect(codes).toHaveLength(1);
      expect(await balancesOf(memberId)).toEqual({ points: 4500, reserved: 0, ledgerAgrees: true });
    }
  });

  it("the same key sent for another reward is refused, and spends nothing", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(1200);
    const other = await rewardIn(shop, freeShipping(100));
    const idempotencyKey = randomUUID();
    await redeemCall(shop, customerId, { rewardId, idempotencyKey });

    const reused = await redeemCall(shop, customerId, { rewardId: other, idempotencyKey });

    expect(reused.status).toBe(422);
    expect(reused.body.error).toBe("idempotency_key_reused");
    expect(standIn.discounts(shop)).toHaveLength(1);
    expect((await balancesOf(memberId)).points).toBe(700);
  });

  it("refuses with a stable code and leaves the balance untouched", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(400);
    const disabled = await rewardIn(shop, amountOff(100, "1.00", { enabled: false }));
    const elsewhere = await shopWith(5000);
    const call = (overrides: Partial<Parameters<typeof redeemCall>[2]> & { customer?: string | null } = {}) =>
      redeemCall(shop, overrides.customer === undefined ? customerId : overrides.customer, {
        rewardId,
        ...overrides,
      });

    const answers = {
      insufficient: await call(),
      unknown: await call({ rewardId: randomUUID() }),
      otherShopsReward: await call({ rewardId: elsewhere.rewardId }),
      disabled: await call({ rewardId: disabled }),
      guest: await call({ customer: null }),
      form: await call({ contentType: "application/x-www-form-urlencoded", body: `rewardId=${rewardId}` }),
      notJson: await call({ body: "{" }),
      badKey: await call({ idempotencyKey: "short" }),
      badSignature: await call({ secret: "not-the-secret" }),
    };

    expect(
      Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, [a.status, a.body.error]])),
    ).toEqual({
      insufficient: [409, "insufficient_points"],
      unknown: [404, "unknown_reward"],
      otherShopsReward: [404, "unknown_reward"],
      disabled: [409, "reward_disabled"],
      guest: [401, "guest"],
      form: [415, "unsupported_media_type"],
      notJson: [400, "bad_request"],
      badKey: [400, "bad_request"],
      badSignature: [401, "bad_signature"],
    });
    expect(standIn.discounts(shop)).toHaveLength(0);
    expect(standIn.discounts(elsewhere.shop)).toHaveLength(0);
    expect(await balancesOf(memberId)).toEqual({ points: 400, reserved: 0, ledgerAgrees: true });
    expect(await prisma.redemption.count({ where: { shop } })).toBe(0);
  });
});

describe("when Shopify does not make the reward", () => {
  it("a refusal gives the points back, records why, and a replay says the same", async () => {
    const { shop, memberId, rewardId } = await shopWith(900);
    // A customer Tally knows but Shopify does not (deleted in the admin, say).
    const ghost = "gid://shopify/Customer/987654321";
    const ghostMember = await memberWithPoints(shop, ghost, 900);
    const idempotencyKey = randomUUID();

    const refused = await redeemCall(shop, ghost, { rewardId, idempotencyKey });
    const replayed = await redeemCall(shop, ghost, { rewardId, idempotencyKey });

    expect(refused.status).toBe(502);
    expect(refused.body.error).toBe("shopify_refused");
    expect(refused.body.message).toMatch(/Customer ids are invalid/);
    expect(replayed.body).toEqual(refused.body);
    expect(await balancesOf(ghostMember)).toEqual({ points: 900, reserved: 0, ledgerAgrees: true });
    expect((await ledgerOf(ghostMember)).map((e) => e.kind)).toEqual(["BONUS"]);
    const audit = await prisma.auditLog.findMany({ where: { shop, action: "redemption.failed" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).toMatch(/Customer ids are invalid/);
    expect(await balancesOf(memberId)).toEqual({ points: 900, reserved: 0, ledgerAgrees: true });
  });

  it("Shopify failing the create is checked by code before the points go back", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(500);
    standIn.failNext(500, 3);

    const answer = await redeemCall(shop, customerId, { rewardId });

    expect([answer.status, answer.body.error]).toEqual([502, "shopify_refused"]);
    expect(standIn.discounts(shop)).toHaveLength(0);
    const lookups = standIn.graphqlRequests(shop).filter((r) => r.query.includes("codeDiscountNodeByCode"));
    expect(lookups).toHaveLength(1);
    expect(await balancesOf(memberId)).toEqual({ points: 500, reserved: 0, ledgerAgrees: true });
  });

  it("with Shopify unreachable even for the check, the points stay held until the sweep settles them", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(500);
    standIn.failNext(503, 6);

    const answer = await redeemCall(shop, customerId, { rewardId });

    expect(answer.status).toBe(502);
    expect(await balancesOf(memberId)).toEqual({ points: 0, reserved: 500, ledgerAgrees: true });
    expect(await sweepRedemptions(new Date())).toMatchObject({ released: 0 });

    const report = await sweepRedemptions(new Date(Date.now() + 11 * 60_000));

    expect(report.released).toBeGreaterThanOrEqual(1);
    expect(await balancesOf(memberId)).toEqual({ points: 500, reserved: 0, ledgerAgrees: true });
    expect(await prisma.redemption.findFirst({ where: { memberId } })).toMatchObject({ status: "FAILED" });
  });

  it("a request whose process died after Shopify made the code is completed by the sweep", async () => {
    const { shop, customerId, memberId, rewardId } = await shopWith(500);
    const reward = await prisma.reward.findUniqueOrThrow({ where: { id: rewardId } });
    const snapshot = snapshotOf(reward, "USD");
    const reservation = await reservePoints({
      shop,
      memberId,
      rewardId,
      idempotencyKey: randomUUID(),
      requestHash: requestHash(customerId, rewardId),
      reward: snapshot,
      code: "TALLY-DEAD-PROC-ESS1",
    });
    if (!reservation.reserved) throw new Error("not reserved");
    const session = await prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    const client = createAdminClient({ shop, accessToken: session.accessToken });
    const input = shopifyRewardInput(snapshot, {
      code: "TALLY-DEAD-PROC-ESS1",
      customerGid: customerId,
      now: new Date(),
    });
    expect((await issueReward(client, input, customerId)).ok).toBe(true);
    // …and here the process died.

    await sweepRedemptions(new Date(Date.now() + 11 * 60_000));

    expect(
      await prisma.redemption.findUniqueOrThrow({ where: { id: reservation.redemption.id } }),
    ).toMatchObject({
      status: "ISSUED",
      code: "TALLY-DEAD-PROC-ESS1",
    });
    expect(await balancesOf(memberId)).toEqual({ points: 0, reserved: 0, ledgerAgrees: true });
    expect((await ledgerOf(memberId)).map((e) => e.kind)).toEqual(["BONUS", "REDEMPTION"]);
  });
});

describe("fifty shoppers' clicks at once", () => {
  const rounds = Number(process.env.REDEEM_RACE_ROUNDS ?? 200);

  it(
    `against a balance that covers one: exactly one succeeds, ${rounds} times over`,
    { timeout: 600_000 },
    async () => {
      withoutRedeemLimit();
      const { shop, rewardId } = await shopWith(0);
      for (let round = 0; round < rounds; round++) {
        const customerId = standIn.addCustomer(shop, {});
        const memberId = await memberWithPoints(shop, customerId, 500);

        const answers = await Promise.all(
          Array.from({ length: 50 }, () => redeemCall(shop, customerId, { rewardId })),
        );

        const statuses = answers.map((a) => (a.status === 200 ? "ok" : a.body.error));
        expect(
          statuses.filter((s) => s === "ok"),
          `round ${round}`,
        ).toHaveLength(1);
        expect(statuses.filter((s) => s === "insufficient_points")).toHaveLength(49);
        expect(await balancesOf(memberId)).toEqual({ points: 0, reserved: 0, ledgerAgrees: true });
        const codes = standIn
          .discounts(shop)
          .filter((d) => d.input.context?.customers?.add?.includes(customerId));
        expect(codes).toHaveLength(1);
      }
    },
  );
});

describe("codes after they are issued", () => {
  async function issuedCode(points = 500) {
    const setup = await shopWith(points);
    const { body } = await redeemCall(setup.shop, setup.customerId, { rewardId: setup.rewardId });
    return { ...setup, redemption: body.redemption! };
  }
  const afterExpiry = (expiresAt: string) => new Date(Date.parse(expiresAt) + 2 * 3_600_000);

  it("an unused code that expired gives its points back once, with an entry that says so", async () => {
    const { memberId, redemption } = await issuedCode();

    const first = await sweepRedemptions(afterExpiry(redemption.expiresAt!));
    const second = await sweepRedemptions(afterExpiry(redemption.expiresAt!));

    expect(first.returned).toBeGreaterThanOrEqual(1);
    expect(second.returned).toBe(0);
    expect(await balancesOf(memberId)).toEqual({ points: 500, reserved: 0, ledgerAgrees: true });
    expect((await ledgerOf(memberId)).at(-1)).toEqual({
      kind: "REDEMPTION_RETURN",
      points: 500,
      reason: `Code ${redemption.code} expired unused: points returned`,
    });
    expect(await prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "RETURNED",
    });
  });

  it("waits out Shopify's usage count before deciding a code went unused", async () => {
    const { memberId, redemption } = await issuedCode();

    await sweepRedemptions(new Date(Date.parse(redemption.expiresAt!) + 60_000));

    expect(await prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "ISSUED",
    });
    expect((await balancesOf(memberId)).points).toBe(0);
  });

  it("a code Shopify counts as used is marked used and returns nothing", async () => {
    const { shop, customerId, memberId, redemption } = await issuedCode();
    // An order used it, but its webhook never reached Tally.
    standIn.addOrder(shop, { customerId, discountCodes: [redemption.code!] });

    await sweepRedemptions(afterExpiry(redemption.expiresAt!));

    expect(await prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "USED",
    });
    expect(await balancesOf(memberId)).toEqual({ points: 0, reserved: 0, ledgerAgrees: true });
  });

  it("with the shop's setting off, an expired code keeps its points spent", async () => {
    const { shop, memberId, redemption } = await issuedCode();
    // The merchant's choice, through the rules form; a later save without the field keeps it.
    expect(await updateEarningRules(shop, earningRulesInput({ returnExpiredCodes: false }))).toMatchObject({
      ok: true,
    });
    expect(await updateEarningRules(shop, earningRulesInput())).toMatchObject({ ok: true });

    await sweepRedemptions(afterExpiry(redemption.expiresAt!));

    expect(await prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "EXPIRED",
    });
    expect(await balancesOf(memberId)).toEqual({ points: 0, reserved: 0, ledgerAgrees: true });
  });

  it("an order that used the code marks the redemption used, whatever the code's case", async () => {
    const { shop, customerId, redemption } = await issuedCode();
    const orderId = standIn.addOrder(shop, {
      customerId,
      discountCodes: [redemption.code!.toLowerCase()],
      lines: [{ productId: "gid://shopify/Product/1", price: "40.00", discount: "5.00" }],
    });

    await deliverAndDrain(shop, "orders/paid", standIn.orderWebhookPayload(shop, orderId));

    expect(await prisma.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "USED",
      usedOrderGid: orderId,
    });
  });
});
