import { describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { STARTER_TIER_PROGRAM, type TierProgramValues } from "~/domain/tier-program";
import * as model from "~/models/tier-program.server";
import * as tiersPage from "~/routes/app.tiers";
import { orderPayload } from "#test/factories/order";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { adminFormRequest, adminPageRequest, sessionTokenFor } from "#test/support/admin";
import { callRoute } from "#test/support/routes";
import { uniqueShop } from "#test/support/shops";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";
import { tierNameOf } from "#test/support/tiers";
import { deliverAndDrain } from "#test/support/webhooks";

// Spies that call through: the refusal tests check the model was never reached.
vi.mock("~/models/tier-program.server", { spy: true });

// Token exchange, for a shop whose first admin request is to this page.
const standIn = standInDuringFile();

const PAGE = "/app/tiers";
const tier = tierInput;
const program = tierProgramInput;

const openPage = async (shop: string, token?: string | null) =>
  callRoute(tiersPage.loader, await adminPageRequest(shop, PAGE, { token }));
const post = async (shop: string, fields: Record<string, string>, token?: string | null) =>
  callRoute(tiersPage.action, await adminFormRequest(shop, PAGE, fields, { token }));
const preview = (shop: string, input: unknown) =>
  post(shop, { intent: "preview", program: JSON.stringify(input) });
const save = (shop: string, input: unknown, version: number) =>
  post(shop, { intent: "save", program: JSON.stringify(input), version: String(version) });

/** What the route answered, failing the test when it answered with a refusal instead. */
function answered<T>(result: T | Response): T {
  if (result instanceof Response) throw new Error(`the route answered HTTP ${result.status}`);
  return result;
}

let nextOrderId = 8_100_000_000_000;
const paidOrder = (shop: string, customerId: number, price: string) =>
  deliverAndDrain(
    shop,
    "orders/paid",
    orderPayload({ orderId: nextOrderId++, customerId, lines: [{ price }] }),
  );

const BRONZE_SILVER_GOLD = program([tier("Bronze", "0"), tier("Silver", "500"), tier("Gold", "2000")]);

/** A shop whose members have 100, 600 and 2500 points, in Bronze, Silver and Gold, saved as version 1. */
async function shopInTiers(label: string) {
  const { shop } = await connectedShop(standIn, label);
  await paidOrder(shop, 1, "100.00");
  await paidOrder(shop, 2, "600.00");
  await paidOrder(shop, 3, "2500.00");
  answered(await save(shop, BRONZE_SILVER_GOLD, 0));
  return shop;
}

const tierOf = (shop: string, customerId: number) => tierNameOf(shop, `gid://shopify/Customer/${customerId}`);
const tiersOf = (shop: string) => Promise.all([1, 2, 3].map((id) => tierOf(shop, id)));
const storedTiers = (shop: string) =>
  prisma.tier.findMany({
    where: { shop },
    orderBy: { position: "asc" },
    select: { id: true, name: true, threshold: true },
  });
const versionOf = async (shop: string) =>
  (await prisma.tierProgram.findUnique({ where: { shop } }))?.version ?? 0;

/** The program as the page loaded it, with `edit` applied to its tiers. */
async function loadedProgram(shop: string, edit: (tiers: TierProgramValues["tiers"]) => void = () => {}) {
  const form = answered(await openPage(shop));
  edit(form.program.tiers);
  return form.program;
}

describe("the VIP tiers page in the embedded admin", () => {
  it("refuses requests without a valid session token before the tier program is read or changed", async () => {
    const shop = await shopInTiers("stranger");
    vi.clearAllMocks();
    const fields = {
      intent: "save",
      program: JSON.stringify(program([tier("Everyone", "0")])),
      version: "1",
    };

    const page = await openPage(shop, null);
    const anonymous = await post(shop, fields, null);
    const forged = await post(shop, fields, await sessionTokenFor(shop, "not-the-app-secret"));

    // The document is sent to App Bridge's bounce page for a token; a fetch with a bad token gets a 401.
    expect(page).toBeInstanceOf(Response);
    expect((page as Response).status).toBe(302);
    expect(anonymous).toBeInstanceOf(Response);
    expect((anonymous as Response).status).toBe(302);
    expect(forged).toBeInstanceOf(Response);
    expect((forged as Response).status).toBe(401);
    expect(model.getTierProgramForm).not.toHaveBeenCalled();
    expect(model.previewTierProgram).not.toHaveBeenCalled();
    expect(model.saveTierProgram).not.toHaveBeenCalled();
    expect((await storedTiers(shop)).map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold"]);
  });

  it("offers a shop opening the page for the first time suggested tiers, saved nowhere", async () => {
    const shop = uniqueShop("first-visit");
    standIn.addShop({ domain: shop, currencyCode: "EUR" });

    // The first admin request installs the app (token exchange), then shows the page.
    const form = answered(await openPage(shop));

    expect(form).toEqual({
      currencyCode: "EUR",
      saved: false,
      version: 0,
      program: STARTER_TIER_PROGRAM,
      members: { byTier: {}, withoutTier: 0 },
    });
    expect(await prisma.tierProgram.count({ where: { shop } })).toBe(0);
  });

  it("shows the saved program in the merchant's units, amounts in the shop currency, and who is in each tier", async () => {
    const { shop } = await connectedShop(standIn, "spenders");
    await paidOrder(shop, 1, "120.00");
    await paidOrder(shop, 2, "40.00");
    const spent = program([tier("Member", "0"), tier("VIP", "99.5", "1.5")], {
      metric: "AMOUNT_SPENT",
      graceDays: 14,
      tagPrefix: "Club ",
    });
    answered(await save(shop, spent, 0));
    const [member, vip] = await storedTiers(shop);

    const form = answered(await openPage(shop));

    expect(form).toEqual({
      currencyCode: "USD",
      saved: true,
      version: 1,
      program: {
        metric: "AMOUNT_SPENT",
        window: "LIFETIME",
        graceDays: 14,
        tagPrefix: "Club ",
        tiers: [{ ...tier("Member", "0.00", "1", member!.id) }, { ...tier("VIP", "99.50", "1.5", vip!.id) }],
      },
      members: { byTier: { [member!.id]: 1, [vip!.id]: 1 }, withoutTier: 0 },
    });
    expect(vip!.threshold).toBe(9950n);
  });

  it("previews how many members each tier gains, loses and keeps, and saves nothing", async () => {
    const shop = await shopInTiers("previewer");
    const before = await storedTiers(shop);
    const changes = await prisma.tierChange.count({ where: { shop } });
    const lowerSilver = await loadedProgram(shop, (tiers) => {
      tiers[1]!.threshold = "50";
    });

    const result = answered(await preview(shop, lowerSilver));

    const [bronze, silver, gold] = before;
    expect(result).toEqual({
      intent: "preview",
      ok: true,
      version: 1,
      preview: [
        { tierId: null, name: "no tier", up: 0, down: 0, stay: 0 },
        { tierId: bronze!.id, name: "Bronze", up: 0, down: 0, stay: 0 },
        { tierId: silver!.id, name: "Silver", up: 1, down: 0, stay: 1 },
        { tierId: gold!.id, name: "Gold", up: 0, down: 0, stay: 1 },
      ],
    });
    expect(await prisma.tierProgram.count({ where: { shop } })).toBe(1);
    expect(await versionOf(shop)).toBe(1);
    expect(await storedTiers(shop)).toEqual(before);
    expect(await tiersOf(shop)).toEqual(["Bronze", "Silver", "Gold"]);
    expect(await prisma.tierChange.count({ where: { shop } })).toBe(changes);
  });

  it("saves what was previewed and moves members to their new tiers; a save from a stale preview changes nothing", async () => {
    const shop = await shopInTiers("saver");
    const lowerSilver = await loadedProgram(shop, (tiers) => {
      tiers[1]!.threshold = "50";
    });
    const previewed = answered(await preview(shop, lowerSilver));
    const renameGold = await loadedProgram(shop, (tiers) => {
      tiers[2]!.name = "Platinum";
    });
    const stale = answered(await preview(shop, renameGold));

    const saved = answered(await save(shop, lowerSilver, previewed.ok ? previewed.version : -1));
    const refused = answered(await save(shop, renameGold, stale.ok ? stale.version : -1));

    expect(saved).toMatchObject({ intent: "save", ok: true, version: 2, recalculation: { up: 1, down: 0 } });
    expect(await tiersOf(shop)).toEqual(["Silver", "Silver", "Gold"]);
    expect(refused).toEqual({ intent: "save", ok: false, fieldErrors: { form: model.CHANGED_ELSEWHERE } });
    expect(await versionOf(shop)).toBe(2);
    expect((await storedTiers(shop)).map((t) => [t.name, t.threshold])).toEqual([
      ["Bronze", 0n],
      ["Silver", 50n],
      ["Gold", 2000n],
    ]);
  });

  it("lets only one of two saves racing from the same preview win", async () => {
    const shop = await shopInTiers("racer");
    const everyoneGold = program([tier("Gold", "0")]);
    const twoTiers = program([tier("Silver", "0"), tier("Gold", "1000")]);

    const results = (await Promise.all([save(shop, everyoneGold, 1), save(shop, twoTiers, 1)])).map(answered);

    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { intent: "save", ok: false, fieldErrors: { form: model.CHANGED_ELSEWHERE } },
    ]);
    expect(await versionOf(shop)).toBe(2);
    const names = (await storedTiers(shop)).map((t) => t.name);
    expect(names).toEqual(results[0]!.ok ? ["Gold"] : ["Silver", "Gold"]);
  });

  it("lets only one of two first saves win, both previewed before the shop had a program", async () => {
    const { shop } = await connectedShop(standIn, "first-race");

    const results = (
      await Promise.all([save(shop, program([tier("Gold", "0")]), 0), save(shop, BRONZE_SILVER_GOLD, 0)])
    ).map(answered);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { intent: "save", ok: false, fieldErrors: { form: model.CHANGED_ELSEWHERE } },
    ]);
    expect(await versionOf(shop)).toBe(1);
  });

  it("names each field the merchant needs to fix, and saves nothing", async () => {
    const shop = await shopInTiers("typos");
    const wrong = program([tier("Gold", "500"), tier("", "400", "11")], { graceDays: -1, tagPrefix: "VIP," });
    const notClimbing = program([tier("Gold", "500"), tier("Silver", "500")]);

    const previewed = answered(await preview(shop, wrong));
    const savedWrong = answered(await save(shop, wrong, 1));
    const savedNotClimbing = answered(await save(shop, notClimbing, 1));

    const fieldErrors = {
      graceDays: "Use 0 to move members down at once",
      tagPrefix: "Commas cannot be used in a tag",
      "tiers.1.name": "Give the tier a name",
      "tiers.1.multiplier": "Use a multiplier from 1 to 10, e.g. 1.5",
    };
    expect(previewed).toEqual({ intent: "preview", ok: false, fieldErrors });
    expect(savedWrong).toEqual({ intent: "save", ok: false, fieldErrors });
    expect(savedNotClimbing).toEqual({
      intent: "save",
      ok: false,
      fieldErrors: { "tiers.1.threshold": "Each tier must start above the one before it" },
    });
    expect(await versionOf(shop)).toBe(1);
  });

  it("answers a malformed submission with a message for the merchant, not an error page", async () => {
    const shop = await shopInTiers("garbled");

    const garbled = await post(shop, { intent: "save", program: "{ tiers: [", version: "1" });
    const unversioned = await post(shop, { intent: "save", program: JSON.stringify(BRONZE_SILVER_GOLD) });
    const unknown = await post(shop, { intent: "delete", program: "{}" });

    expect(garbled).toEqual({
      intent: null,
      ok: false,
      fieldErrors: {
        form: "The tier program could not be read (not valid JSON); reload the page and try again",
      },
    });
    expect(unversioned).toEqual({
      intent: null,
      ok: false,
      fieldErrors: { form: "Preview the changes before saving them" },
    });
    expect(unknown).toEqual({ intent: null, ok: false, fieldErrors: { form: "Preview or save the tiers" } });
    expect(await versionOf(shop)).toBe(1);
  });

  it("reads and changes only the program of the shop in the session token, whatever the request names", async () => {
    const mine = await shopInTiers("mine");
    const theirs = await shopInTiers("theirs");
    answered(await save(theirs, program([tier("Copper", "0"), tier("Iron", "100")]), 1));
    const myToken = await sessionTokenFor(mine);

    const page = answered(
      await callRoute(tiersPage.loader, await adminPageRequest(theirs, PAGE, { token: myToken })),
    );
    const request = await adminFormRequest(
      theirs,
      `${PAGE}?shop=${theirs}`,
      {
        intent: "save",
        program: JSON.stringify(program([tier("Everyone", "0")])),
        version: "1",
        shop: theirs,
      },
      { token: myToken },
    );
    const saved = answered(await callRoute(tiersPage.action, request));

    expect(page.program.tiers.map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold"]);
    expect(saved).toMatchObject({ ok: true, version: 2 });
    expect((await storedTiers(mine)).map((t) => t.name)).toEqual(["Everyone"]);
    expect((await storedTiers(theirs)).map((t) => t.name)).toEqual(["Copper", "Iron"]);
    expect(await versionOf(theirs)).toBe(2);
  });

  it("refuses a tier id that is not one of this shop's tiers, and changes neither shop", async () => {
    const mine = await shopInTiers("mine-ids");
    const theirs = await shopInTiers("theirs-ids");
    const [theirGold] = (await storedTiers(theirs)).filter((t) => t.name === "Gold");

    const result = answered(
      await save(mine, program([tier("Bronze", "0"), tier("Gold", "2000", "1", theirGold!.id)]), 1),
    );

    expect(result).toEqual({
      intent: "save",
      ok: false,
      fieldErrors: { "tiers.1.id": "This tier no longer exists; reload the page and try again" },
    });
    expect(await versionOf(mine)).toBe(1);
    expect((await storedTiers(theirs)).map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold"]);
  });
});
