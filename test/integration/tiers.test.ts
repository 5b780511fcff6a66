import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { previewTierProgram, saveTierProgram } from "~/models/tier-program.server";
import { recalculateTiers } from "~/models/tier-recalculation.server";
import { CANCELLED_AT, orderPayload } from "#test/factories/order";
import { refundPayload } from "#test/factories/refund";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { installedShop } from "#test/support/shops";
import { tierNameOf } from "#test/support/tiers";
import { deliverAndDrain } from "#test/support/webhooks";

// Drained by hand: each test decides when the ledger moves and when tiers are recalculated.
let nextId = 7_500_000_000_000;
const DAY = 24 * 3600 * 1000;

const send = deliverAndDrain;
const paid = (shop: string, customerId: number, price: string, orderId = nextId++) =>
  send(shop, "orders/paid", orderPayload({ orderId, customerId, lines: [{ price }] })).then(() => orderId);

const tier = tierInput;
const program = tierProgramInput;
const tierOf = (shop: string, customerId: number) => tierNameOf(shop, `gid://shopify/Customer/${customerId}`);

describe("VIP tiers", () => {
  it("places every member in the tier their points reach, and says why in their history", async () => {
    const shop = await installedShop();
    await paid(shop, 1, "100.00");
    await paid(shop, 2, "600.00");
    await paid(shop, 3, "2500.00");

    const saved = await saveTierProgram(
      shop,
      program([tier("Bronze", "0"), tier("Silver", "500"), tier("Gold", "2000")]),
    );

    expect(saved.ok).toBe(true);
    expect([await tierOf(shop, 1), await tierOf(shop, 2), await tierOf(shop, 3)]).toEqual([
      "Bronze",
      "Silver",
      "Gold",
    ]);
    const history = await prisma.tierChange.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(history.find((h) => h.toTier === "Gold")).toMatchObject({
      fromTier: null,
      change: "up",
      reason: "reached Gold (2500 ≥ 2000)",
      cause: "tier program version 1",
    });
  });

  it("previews how many members move before anything is saved", async () => {
    const shop = await installedShop();
    await paid(shop, 1, "100.00");
    await paid(shop, 2, "600.00");
    await saveTierProgram(shop, program([tier("Bronze", "0"), tier("Silver", "500")]));
    const [bronze, silver] = await prisma.tier.findMany({ where: { shop }, orderBy: { position: "asc" } });

    const preview = await previewTierProgram(
      shop,
      program([tier("Bronze", "0", "1", bronze!.id), tier("Silver", "50", "1", silver!.id)]),
    );

    expect(preview.ok && preview.preview).toEqual([
      { tierId: null, name: "no tier", up: 0, down: 0, stay: 0 },
      { tierId: bronze!.id, name: "Bronze", up: 0, down: 0, stay: 0 },
      { tierId: silver!.id, name: "Silver", up: 1, down: 0, stay: 1 },
    ]);
    expect(await tierOf(shop, 1)).toBe("Bronze");
  });

  it("keeps members in their tier when the merchant renames it or changes its threshold", async () => {
    const shop = await installedShop();
    await paid(shop, 1, "600.00");
    await saveTierProgram(shop, program([tier("Bronze", "0"), tier("Silver", "500")]));
    const silver = await prisma.tier.findFirstOrThrow({ where: { shop, name: "Silver" } });

    await saveTierProgram(shop, program([tier("Bronze", "0"), tier("Silver Club", "400", "1.5", silver.id)]));

    expect(await tierOf(shop, 1)).toBe("Silver Club");
    expect(await prisma.tierChange.count({ where: { shop } })).toBe(1);
  });

  it("multiplies what a member earns by their tier's multiplier", async () => {
    const shop = await installedShop();
    await paid(shop, 1, "600.00");
    await saveTierProgram(shop, program([tier("Bronze", "0"), tier("Silver", "500", "1.5")]));

    await paid(shop, 1, "100.00");

    const entries = await prisma.ledgerEntry.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.points)).toEqual([600, 150]);
    expect(entries[1]!.details).toMatchObject({ multiplier: "1.5" });
  });

  it("moves a member down only once the grace period is over", async () => {
    const shop = await installedShop();
    const orderId = await paid(shop, 1, "600.00");
    await saveTierProgram(shop, program([tier("Bronze", "0"), tier("Silver", "500")], { graceDays: 30 }));
    await send(
      shop,
      "refunds/create",
      refundPayload({ refundId: nextId++, orderId, lines: [{ subtotal: "300.00" }] }),
    );
    const now = Date.now();

    const first = await recalculateTiers(shop, new Date(now), "test");
    const during = await recalculateTiers(shop, new Date(now + 29 * DAY), "test");
    expect(await tierOf(shop, 1)).toBe("Silver");
    const after = await recalculateTiers(shop, new Date(now + 30 * DAY + 1000), "test");

    expect([first.grace, during.down, after.down]).toEqual([1, 0, 1]);
    expect(await tierOf(shop, 1)).toBe("Bronze");
  });

  it("drops what falls out of a rolling window", async () => {
    const shop = await installedShop();
    await paid(shop, 1, "600.00");
    await saveTierProgram(
      shop,
      program([tier("Bronze", "0"), tier("Silver", "500")], { window: "ROLLING_12_MONTHS" }),
    );
    expect(await tierOf(shop, 1)).toBe("Silver");

    await recalculateTiers(shop, new Date(Date.now() + 366 * DAY), "window roll-over");

    expect(await tierOf(shop, 1)).toBe("Bronze");
  });

  it("qualifies on amount spent net of refunds, or on paid orders not cancelled", async () => {
    const shop = await installedShop();
    const refunded = await paid(shop, 1, "80.00");
    await paid(shop, 1, "50.00");
    await send(
      shop,
      "refunds/create",
      refundPayload({ refundId: nextId++, orderId: refunded, lines: [{ subtotal: "40.00" }] }),
    );
    const cancelled = await paid(shop, 2, "500.00");
    await send(
      shop,
      "orders/cancelled",
      orderPayload({ orderId: cancelled, customerId: 2, cancelledAt: CANCELLED_AT }),
    );
    await paid(shop, 2, "10.00");

    await saveTierProgram(
      shop,
      program([tier("Member", "0"), tier("Spender", "90.00")], { metric: "AMOUNT_SPENT" }),
    );
    expect([await tierOf(shop, 1), await tierOf(shop, 2)]).toEqual(["Spender", "Member"]);

    await saveTierProgram(
      shop,
      program([tier("Member", "0"), tier("Regular", "2")], { metric: "PAID_ORDERS" }),
    );
    expect([await tierOf(shop, 1), await tierOf(shop, 2)]).toEqual(["Regular", "Member"]);
  });

  it("refuses a program whose tiers do not climb, naming the field", async () => {
    const shop = await installedShop();

    const saved = await saveTierProgram(shop, program([tier("Gold", "500"), tier("Silver", "500")]));

    expect(saved).toEqual({
      ok: false,
      fieldErrors: { "tiers.1.threshold": "Each tier must start above the one before it" },
    });
    expect(await prisma.tierProgram.count({ where: { shop } })).toBe(0);
  });
});
