import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import {
  newPage,
  recordProxyRequests,
  signIn,
  storefrontDuringFile,
  type StorefrontStack,
} from "./support/stack";

const stack = storefrontDuringFile();
const DAY_MS = 86_400_000;

const member = (s: StorefrontStack, firstName: string) =>
  s.seeded.members.find((m) => m.firstName === firstName)!;
const discountsFor = (s: StorefrontStack, gid: string) =>
  s.standIn.discounts(s.seeded.shop).filter((d) => d.input.context?.customers?.add?.includes(gid));
const pointsOf = async (s: StorefrontStack, gid: string) =>
  (
    await prisma.member.findUniqueOrThrow({
      where: { shop_customerGid: { shop: s.seeded.shop, customerGid: gid } },
    })
  ).points;

/** Opens the rewards panel once the app's answer has filled it in. */
async function openPanel(page: Page) {
  await page.locator("[data-tally-launcher]").click();
  await page.locator("[data-tally-panel] [data-tally-reward]").first().waitFor();
}

const rewardItem = (page: Page, name: string) =>
  page.locator("[data-tally-reward]", { has: page.locator("[data-tally-reward-name]", { hasText: name }) });

describe("a signed-in member on the storefront", () => {
  it("sees their balance, redeems a reward, gets its code, and the balance drops", async () => {
    const s = stack();
    const ada = member(s, "Ada");
    const page = await newPage(s);
    await signIn(page, ada.id);

    await page.goto("/", { waitUntil: "networkidle" });
    // The first paint is the customer metafield ("1200"); the app's answer is formatted.
    await page.locator("[data-tally-balance] [data-tally-points]", { hasText: "1,200" }).waitFor();

    await openPanel(page);
    const before = Date.now();
    await rewardItem(page, "$5 off").locator("[data-tally-redeem]").click();
    const shown = page.locator("[data-tally-codes] [data-tally-code]");
    await shown.waitFor();
    const after = Date.now();
    const code = (await shown.textContent())!;

    expect(code).toMatch(/^TALLY-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await page.locator("[data-tally-balance] [data-tally-points]", { hasText: "700" }).waitFor();
    expect(await page.locator("[data-tally-panel] [data-tally-points]").textContent()).toBe("700");
    expect(await pointsOf(s, ada.gid)).toBe(700);

    const discounts = discountsFor(s, ada.gid);
    expect(discounts).toHaveLength(1);
    const [discount] = discounts;
    expect(discount!.code).toBe(code);
    expect(discount!.input).toMatchObject({
      code,
      context: { customers: { add: [ada.gid] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
    });
    expect(Number(discount!.input.customerGets?.value?.discountAmount?.amount)).toBe(5);
    const endsAt = Date.parse(discount!.input.endsAt ?? "");
    expect(endsAt).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1_000);
    expect(endsAt).toBeLessThanOrEqual(after + 30 * DAY_MS + 1_000);

    // A later page view lists the code from the app's answer.
    await page.reload({ waitUntil: "networkidle" });
    await openPanel(page);
    await page.locator("[data-tally-codes] [data-tally-code]", { hasText: code }).waitFor();
  });

  it("asks the app at most once per page view", async () => {
    const s = stack();
    const page = await newPage(s);
    await signIn(page, member(s, "Grace").id);
    const proxied = recordProxyRequests(page);

    // Home has both the balance block and the launcher: they share one answer.
    await page.goto("/", { waitUntil: "networkidle" });
    await page.locator("[data-tally-balance] [data-tally-points]", { hasText: "800" }).waitFor();
    expect(proxied.splice(0)).toEqual(["GET /apps/tally/customer"]);

    for (const path of ["/products/trail-jacket", "/account", "/fr/"]) {
      await page.goto(path, { waitUntil: "networkidle" });
      expect(proxied.splice(0).length, path).toBeLessThanOrEqual(1);
    }
  });

  it("redeems once when the redeem button is double-clicked", async () => {
    const s = stack();
    const alan = member(s, "Alan");
    const page = await newPage(s);
    await signIn(page, alan.id);
    await page.goto("/", { waitUntil: "networkidle" });
    await openPanel(page);

    // Alan's 1,300 points would pay for two.
    await rewardItem(page, "$5 off").locator("[data-tally-redeem]").dblclick();
    await page.locator("[data-tally-codes] [data-tally-code]").waitFor();
    await page.waitForLoadState("networkidle");

    expect(discountsFor(s, alan.gid)).toHaveLength(1);
    expect(await pointsOf(s, alan.gid)).toBe(800);
    expect(await page.locator("[data-tally-codes] [data-tally-code]").count()).toBe(1);
    expect(await page.locator("[data-tally-balance] [data-tally-points]").textContent()).toBe("800");
    const redemptions = await prisma.redemption.count({
      where: { shop: s.seeded.shop, member: { customerGid: alan.gid } },
    });
    expect(redemptions).toBe(1);
  });
});
