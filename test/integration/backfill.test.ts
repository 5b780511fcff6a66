import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { GqlOrder } from "~/domain/order-graphql";
import { backfillOrders } from "~/models/backfill.server";
import { getEarningRules } from "~/models/program.server";
import { installedShop } from "#test/support/shops";

const money = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

/** An order as Admin GraphQL returns it: `cents` on one line, for one of `customers` customers. */
function order(n: number, customers: number): GqlOrder {
  const cents = 1_000 + ((n * 37) % 9_000);
  return {
    id: `gid://shopify/Order/${9_100_000_000 + n}`,
    name: `#${n}`,
    updatedAt: "2026-11-20T00:00:00Z",
    cancelledAt: null,
    test: false,
    displayFinancialStatus: "PAID",
    displayFulfillmentStatus: "UNFULFILLED",
    customer: { id: `gid://shopify/Customer/${n % customers}` },
    currencyCode: "USD",
    taxesIncluded: false,
    subtotalPriceSet: money((cents / 100).toFixed(2)),
    lineItems: [
      {
        id: `gid://shopify/LineItem/${n}`,
        quantity: 1,
        isGiftCard: false,
        product: { id: "gid://shopify/Product/1" },
        originalUnitPriceSet: money((cents / 100).toFixed(2)),
        discountAllocations: [],
        taxLines: [],
      },
    ],
    shippingLines: [],
    refunds: [],
  };
}

describe("backfilling orders from Shopify", () => {
  it("earns every order once, with chunks written side by side over the same members", async () => {
    const shop = await installedShop({ label: "backfill" });
    const rules = (await getEarningRules(shop))!;
    const orders = Array.from({ length: 1_800 }, (_, n) => order(n, 40));
    const chunks = Array.from({ length: 6 }, (_, c) => orders.slice(c * 300, (c + 1) * 300));
    const expected = orders.reduce(
      (sum, o) => sum + Math.floor(Number(o.subtotalPriceSet!.shopMoney.amount)),
      0,
    );

    const first = await backfillOrders(shop, rules, chunks, { via: "test" });
    const again = await backfillOrders(shop, rules, chunks, { via: "test" });

    expect(first).toEqual({ earned: 1_800, refused: [] });
    expect(again).toEqual({ earned: 0, refused: [] });
    const members = await prisma.member.findMany({ where: { shop } });
    expect(members).toHaveLength(40);
    expect(members.reduce((sum, m) => sum + m.points, 0)).toBe(expected);
    const entries = await prisma.ledgerEntry.aggregate({
      where: { shop },
      _sum: { points: true },
      _count: true,
    });
    expect(entries).toMatchObject({ _count: 1_800, _sum: { points: expected } });
  });

  it("reports an order it cannot read and earns the rest", async () => {
    const shop = await installedShop({ label: "backfill" });
    const rules = (await getEarningRules(shop))!;
    const broken = { ...order(1, 5), currencyCode: "XXX" };

    const result = await backfillOrders(shop, rules, [[order(0, 5), broken]], { via: "test" });

    expect(result.earned).toBe(1);
    expect(result.refused).toEqual([`${broken.id}: unknown currency "XXX"`]);
  });
});
