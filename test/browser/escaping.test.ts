// Text from shoppers and merchants, written to be run if it is ever treated as
// markup or script: reward names, tier names and perks, a shopper's first name,
// the tag prefix, webhook outcomes. It goes in through the app's own paths, and
// Chromium shows what the storefront (the real Liquid, the real scripts, the app
// proxy) and the admin's server-rendered pages make of it. Each payload sets
// window.__tallyXss or opens a dialog if it runs; each must be shown as typed.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runShopifySync } from "~/jobs/run-shopify-sync.server";
import { saveReward } from "~/models/reward.server";
import { saveTierProgram } from "~/models/tier-program.server";
import { amountOff } from "#test/factories/rewards";
import { tierProgramInput } from "#test/factories/tiers";
import { adminPageRequest } from "#test/support/admin";
import { memberWithPoints, redeemCall } from "#test/support/redemption";
import { newPage, signIn, storefrontDuringFile, type StorefrontStack } from "./support/stack";

const stack = storefrontDuringFile();

// Within the app's limits: reward names 60 characters, tier names and the tag prefix 40, no commas.
const REWARD = '"><img src=x onerror="window.__tallyXss=1">';
const REWARD_2 = "</script><script>window.__tallyXss=1</script>";
const TIER = "<img src=x onerror=window.__tallyXss=1>";
const TIER_2 = "</script><!--<b onmouseover=alert(1)>";
const PERKS = "<script>window.__tallyXss=1</script>{{ 7 | times: 6 }} javascript:alert(1)";
const TAG_PREFIX = '"><svg onload=window.__tallyXss=1>';
// The preview's stand-in theme prints the first name in its header unescaped (not
// Tally's Liquid): this payload gets its own marker, and is looked for inside Tally's elements.
const FIRST_NAME = "<svg onload=window.__tallyXssName=1>\u202Egnp.exe\u202C &amp;";
const OUTCOME = "</script><script>alert(1)</script><!--";

let shopperId = "";

beforeAll(async () => {
  const { shop } = stack().seeded;
  for (const [name, cost] of [
    [REWARD, 100],
    [REWARD_2, 200],
  ] as const) {
    const saved = await saveReward(shop, amountOff(cost, "1.00", { name }));
    if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  }
  const gid = stack().standIn.addCustomer(shop, { firstName: FIRST_NAME, email: "xss@example.com" });
  shopperId = gid.slice(gid.lastIndexOf("/") + 1);
  await memberWithPoints(shop, gid, 1000);
  const program = tierProgramInput(
    [
      { name: TIER, threshold: "0", multiplier: "1", earlyAccess: false, perks: PERKS },
      { name: TIER_2, threshold: "5000", multiplier: "2", earlyAccess: true, perks: PERKS },
    ],
    { tagPrefix: TAG_PREFIX },
  );
  const saved = await saveTierProgram(shop, program, new Date(), 0);
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  const reward = await prisma.reward.findFirstOrThrow({ where: { shop, name: REWARD } });
  const redeemed = await redeemCall(shop, gid, { rewardId: reward.id });
  if (redeemed.status !== 200) throw new Error(`redeem answered ${redeemed.status}`);
  await prisma.webhookDelivery.create({
    data: { shop, webhookId: "xss-1", topic: OUTCOME, status: "REJECTED", outcome: OUTCOME },
  });
  await prisma.dataRequest.create({ data: { shop, customerGid: OUTCOME, data: {} } });
  // Publishes the program metafield with the new rewards, as the sync job does.
  await runShopifySync(shop);
});

/** Records anything a payload would do if it ran. */
function watch(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return {
    dialogs,
    ran: () => page.evaluate(() => (window as { __tallyXss?: unknown }).__tallyXss),
    injected: () =>
      page.evaluate(
        () =>
          document.querySelectorAll(
            '.tally img[src="x"], .tally [onerror], .tally [onload], .tally [onmouseover], .tally svg',
          ).length,
      ),
  };
}

// The next tier's name, in the plural form shown for the POINTS metric.
const NEXT_TIER_NAME = "[data-tally-next-label='POINTS'] [data-plural]:not([hidden]) [data-tally-next-name]";
const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

async function openPanel(page: Page) {
  await page.locator("[data-tally-launcher]").click();
  await page.locator("[data-tally-panel] [data-tally-reward]").first().waitFor();
}

describe("hostile text on the storefront", () => {
  it("a member sees reward, tier and own names as typed, and none of them runs", async () => {
    const page = await newPage(stack());
    const watching = watch(page);
    await signIn(page, shopperId);
    await page.goto("/", { waitUntil: "networkidle" });
    await openPanel(page);

    expect(await page.locator(".tally-panel__greeting").textContent()).toBe(`Hi ${FIRST_NAME}`);
    expect(await texts(page, "[data-tally-rewards] [data-tally-reward-name]")).toEqual(
      expect.arrayContaining([REWARD, REWARD_2]),
    );
    expect(await page.locator("[data-tally-tier]").textContent()).toBe(TIER);
    expect(await texts(page, NEXT_TIER_NAME)).toContain(TIER_2);
    expect(await texts(page, "[data-tally-codes] [data-tally-code-name]")).toEqual([REWARD]);
    expect(await watching.ran()).toBeUndefined();
    expect(await watching.injected()).toBe(0);
    expect(watching.dialogs).toEqual([]);
  });

  it("a guest sees the rewards Liquid renders from the program metafield as typed", async () => {
    const page = await newPage(stack());
    const watching = watch(page);
    await page.goto("/", { waitUntil: "networkidle" });
    await page.locator("[data-tally-launcher]").click();

    expect(await texts(page, "[data-tally-guest-rewards] .tally-reward__name")).toEqual(
      expect.arrayContaining([REWARD, REWARD_2]),
    );
    expect(await watching.ran()).toBeUndefined();
    expect(await watching.injected()).toBe(0);
    expect(watching.dialogs).toEqual([]);
  });

  it("the panel's script writes a hostile proxy answer as text and attributes, every field of it", async () => {
    const evil = (field: string) => `"><img src=x onerror="window.__tallyXss='${field}'"></script><!--`;
    const page = await newPage(stack());
    const watching = watch(page);
    await page.route("**/apps/tally/customer*", (route) =>
      route.fulfill({
        contentType: "application/json",
        body: JSON.stringify({
          loggedIn: true,
          points: 900,
          pendingPoints: 5,
          tier: { name: evil("tier") },
          nextTier: { name: evil("next"), metric: "POINTS", remaining: 10, progress: 0.5 },
          rewards: [
            {
              id: evil("reward id"),
              name: evil("reward"),
              kind: "AMOUNT_OFF",
              pointsCost: 100,
              affordable: true,
            },
          ],
          issued: [
            {
              id: evil("issued id"),
              rewardName: evil("issued"),
              kind: "AMOUNT_OFF",
              code: evil("code"),
              expiresAt: "2027-01-01T00:00:00.000Z",
              status: "ISSUED",
            },
          ],
        }),
      }),
    );
    const redeems = [
      { status: 422, body: { error: evil("error"), message: evil("message") } },
      {
        status: 200,
        body: {
          points: 800,
          redemption: {
            id: evil("redemption id"),
            rewardId: evil("reward id"),
            rewardName: evil("redeemed"),
            kind: "AMOUNT_OFF",
            code: evil("redeemed code"),
            credit: null,
            expiresAt: "2027-01-02T00:00:00.000Z",
            status: "ISSUED",
            pointsSpent: 100,
          },
        },
      },
    ];
    await page.route("**/apps/tally/redeem*", (route) => {
      const { status, body } = redeems.shift()!;
      return route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });
    });
    await signIn(page, shopperId);
    await page.goto("/", { waitUntil: "networkidle" });
    await openPanel(page);

    expect(await page.locator("[data-tally-tier]").textContent()).toBe(evil("tier"));
    expect(await texts(page, NEXT_TIER_NAME)).toEqual([evil("next")]);
    const reward = page.locator("[data-tally-rewards] [data-tally-reward]");
    expect(await reward.getAttribute("data-tally-reward")).toBe(evil("reward id"));
    expect(await reward.locator("[data-tally-reward-name]").textContent()).toBe(evil("reward"));
    expect(await page.locator("[data-tally-issued]").getAttribute("data-tally-issued")).toBe(
      evil("issued id"),
    );
    expect(await texts(page, "[data-tally-code-name]")).toEqual([evil("issued")]);
    expect(await texts(page, "[data-tally-code]")).toEqual([evil("code")]);

    // A refusal with an unknown error code shows the generic message, never the code or the message.
    await reward.locator("[data-tally-redeem]").click();
    const message = page.locator("[data-tally-message]");
    await expect.poll(() => message.getAttribute("data-tally-error")).toBe(evil("error"));
    expect(await message.textContent()).not.toContain("img");
    await reward.locator("[data-tally-redeem]").click();
    await page.locator("[data-tally-code-name]", { hasText: evil("redeemed") }).waitFor();
    expect(await texts(page, "[data-tally-code]")).toEqual([evil("redeemed code"), evil("code")]);

    expect(await watching.ran()).toBeUndefined();
    expect(await watching.injected()).toBe(0);
    expect(watching.dialogs).toEqual([]);
  });
});

/**
 * The admin page as the server renders it, parsed by Chromium with scripts off
 * (App Bridge and the CDN are not reachable here): the document as markup.
 */
async function adminDocument(s: StorefrontStack, path: string) {
  const request = await adminPageRequest(s.seeded.shop, path);
  const url = new URL(request.url);
  // A browser's user agent: shopify-app-remix answers bots 410.
  const response = await fetch(`${s.app.url}${url.pathname}${url.search}`, {
    headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" },
  });
  expect(response.status).toBe(200);
  const context = await s.browser.newContext({ javaScriptEnabled: false });
  await context.route("**/*", (route) => route.abort());
  const page = await context.newPage();
  await page.setContent(await response.text(), { waitUntil: "domcontentloaded" });
  return page;
}

/** What the parsed document holds: elements with event attributes, and the scripts that mention a payload. */
const parsed = (page: Page) =>
  page.evaluate(() => ({
    eventAttributes: [...document.querySelectorAll("*")].flatMap((el) =>
      [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => `${el.tagName} ${a.name}`),
    ),
    injectedImages: document.querySelectorAll('img[src="x"]').length,
    scriptsWithPayload: [...document.querySelectorAll("script")]
      .map((script) => script.textContent ?? "")
      .filter((text) => text.includes("__tallyXss") || text.includes("alert(1)"))
      .map((text) => text.slice(0, 40)),
    inputValues: [...document.querySelectorAll("input, textarea")].map(
      (input) => (input as HTMLInputElement).value,
    ),
    text: document.body.textContent ?? "",
  }));

describe("hostile text in the admin's server-rendered pages", () => {
  it("the VIP tiers page shows tier names, perks and the tag prefix as field values, and adds no markup", async () => {
    const page = await adminDocument(stack(), "/app/tiers");
    const doc = await parsed(page);

    expect(doc.eventAttributes).toEqual([]);
    expect(doc.injectedImages).toBe(0);
    // Only Remix's data for the page mentions them, as JSON: no payload closed that script and opened its own.
    expect(doc.scriptsWithPayload.length).toBeGreaterThan(0);
    for (const script of doc.scriptsWithPayload) expect(script).toMatch(/^window\.__remixContext/);
    expect(doc.inputValues).toEqual(expect.arrayContaining([TIER, TIER_2, PERKS, TAG_PREFIX]));
    await page.context().close();
  });

  it("the overview shows a webhook's outcome and topic and a data request's customer as text", async () => {
    const page = await adminDocument(stack(), "/app");
    const doc = await parsed(page);

    expect(doc.eventAttributes).toEqual([]);
    expect(doc.scriptsWithPayload.length).toBeGreaterThan(0);
    for (const script of doc.scriptsWithPayload) expect(script).toMatch(/^window\.__remixContext/);
    expect(doc.text.split(OUTCOME).length - 1).toBe(3);
    await page.context().close();
  });
});
