import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { orderPayload } from "#test/factories/order";
import { installedShop } from "#test/support/shops";
import { deliver } from "#test/support/webhooks";

// Drained by hand (no worker): each test controls exactly when the batch runs.
let nextId = 7_400_000_000_000;

async function burst(shop: string, orders: Array<{ customerId: number; price: string }>) {
  const ids = orders.map(() => nextId++);
  await Promise.all(
    orders.map((order, index) =>
      deliver({
        shop,
        topic: "orders/paid",
        webhookId: `paid-${ids[index]}`,
        body: orderPayload({
          orderId: ids[index]!,
          customerId: order.customerId,
          lines: [{ price: order.price }],
        }),
      }),
    ),
  );
  await drainShop(shop);
  const deliveries = await prisma.webhookDelivery.findMany({ where: { shop }, orderBy: { id: "asc" } });
  return ids.map((id) => deliveries.find((d) => d.webhookId === `paid-${id}`)!);
}

const balance = async (shop: string, customerId: number) =>
  (
    await prisma.member.findUnique({
      where: { shop_customerGid: { shop, customerGid: `gid://shopify/Customer/${customerId}` } },
    })
  )?.points;

describe("deliveries the ledger cannot take", () => {
  it("an order that would earn absurdly many points is rejected with the reason; the rest of its batch earns", async () => {
    const shop = await installedShop({ earnRate: "1000" });

    const [absurd, normal] = await burst(shop, [
      { customerId: 1, price: "500000.00" },
      { customerId: 2, price: "10.00" },
    ]);

    expect(absurd).toMatchObject({ status: "REJECTED" });
    expect(absurd!.outcome).toContain("more than 100,000,000 points");
    expect(normal).toMatchObject({ status: "PROCESSED" });
    expect([await balance(shop, 1), await balance(shop, 2)]).toEqual([undefined, 10_000]);
  });

  it("one the database refuses is marked FAILED with the database's reason, without holding up the rest", async () => {
    const shop = await installedShop({ earnRate: "100" });
    // A balance one large order away from what the column holds.
    await prisma.member.create({
      data: { shop, customerGid: "gid://shopify/Customer/3", points: 2_100_000_000 },
    });

    const [overflowing, normal] = await burst(shop, [
      { customerId: 3, price: "900000.00" },
      { customerId: 4, price: "10.00" },
    ]);

    expect(overflowing).toMatchObject({ status: "FAILED" });
    expect(overflowing!.outcome).toMatch(/^the database refused it: .*out of range/);
    expect(normal).toMatchObject({ status: "PROCESSED" });
    expect([await balance(shop, 3), await balance(shop, 4)]).toEqual([2_100_000_000, 1_000]);
    expect(
      await prisma.ledgerEntry.count({ where: { shop, source: { not: null }, points: { gt: 1_000 } } }),
    ).toBe(0);
  });
});
