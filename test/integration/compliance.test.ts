import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { orderPayload } from "#test/factories/order";
import { installedShop } from "#test/support/shops";
import { waitFor } from "#test/support/wait";
import { deliver, settledDelivery, runWorkersDuringFile } from "#test/support/webhooks";

let nextOrder = 6_000_000_000_000;

runWorkersDuringFile({ concurrency: 2 });

/** A member with two earned orders, through the real webhook path. */
async function memberWithHistory(shop: string, customerId: number) {
  for (const price of ["20.00", "35.00"]) {
    const webhookId = `order-${nextOrder}`;
    await deliver({
      shop,
      topic: "orders/paid",
      webhookId,
      body: orderPayload({ orderId: nextOrder++, customerId, lines: [{ price }] }),
    });
    await settledDelivery(shop, webhookId);
  }
  await prisma.member.update({
    where: { shop_customerGid: { shop, customerGid: `gid://shopify/Customer/${customerId}` } },
    data: { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" },
  });
}

const privacyPayload = (shop: string, customerId: number | string, extra: object = {}) => ({
  shop_id: 954889,
  shop_domain: shop,
  customer: { id: customerId, email: "ada@example.com", phone: "555-625-1199" },
  ...extra,
});

describe("customers/data_request", () => {
  it("produces the customer's loyalty data for the merchant", async () => {
    const shop = await installedShop();
    await memberWithHistory(shop, 301);

    await deliver({
      shop,
      topic: "customers/data_request",
      webhookId: "dr-1",
      body: privacyPayload(shop, 301, { orders_requested: [299938], data_request: { id: 9999 } }),
    });

    expect((await settledDelivery(shop, "dr-1")).status).toBe("PROCESSED");
    const request = await prisma.dataRequest.findFirstOrThrow({ where: { shop } });
    expect(request.shopifyRequestId).toBe("9999");
    expect(request.data).toMatchObject({
      customer: "gid://shopify/Customer/301",
      member: { email: "ada@example.com", points: 55, ledger: [{ points: 20 }, { points: 35 }] },
    });
    expect(
      await prisma.auditLog.count({ where: { shop, action: "compliance.customers_data_request" } }),
    ).toBe(1);
  });

  it("keeps customer ids above 2^53 exact", async () => {
    const shop = await installedShop();
    const raw = `{"shop_id":1,"shop_domain":"${shop}","customer":{"id":115310627314723954},"orders_requested":[],"data_request":{"id":1}}`;

    await deliver({ shop, topic: "customers/data_request", webhookId: "dr-big", body: raw });

    await settledDelivery(shop, "dr-big");
    const request = await prisma.dataRequest.findFirstOrThrow({ where: { shop } });
    expect(request.customerGid).toBe("gid://shopify/Customer/115310627314723954");
  });

  it("records a request it cannot read as rejected, with the reason", async () => {
    const shop = await installedShop();

    await deliver({
      shop,
      topic: "customers/data_request",
      webhookId: "dr-bad",
      body: { shop_id: 1, shop_domain: shop },
    });

    const row = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { shop_webhookId: { shop, webhookId: "dr-bad" } },
    });
    expect(row.status).toBe("REJECTED");
    expect(row.outcome).toContain("customer");
  });
});

describe("customers/redact", () => {
  it("erases the customer's member record, ledger, exports and stored payloads, and nobody else's", async () => {
    const shop = await installedShop();
    await memberWithHistory(shop, 401);
    await memberWithHistory(shop, 402);
    await deliver({
      shop,
      topic: "customers/data_request",
      webhookId: "dr",
      body: privacyPayload(shop, 401),
    });
    await settledDelivery(shop, "dr");

    await deliver({
      shop,
      topic: "customers/redact",
      webhookId: "redact",
      body: privacyPayload(shop, 401, { orders_to_redact: [] }),
    });

    expect((await settledDelivery(shop, "redact")).status).toBe("PROCESSED");
    const gid = "gid://shopify/Customer/401";
    expect(await prisma.member.count({ where: { shop, customerGid: gid } })).toBe(0);
    expect(await prisma.dataRequest.count({ where: { shop, customerGid: gid } })).toBe(0);
    // Only the erasure request itself still names the customer: the merchant's record that it was done.
    const naming = await prisma.$queryRaw<Array<{ topic: string }>>`
      SELECT "topic" FROM "WebhookDelivery"
      WHERE "shop" = ${shop} AND ("customerGid" = ${gid} OR "payload"::text LIKE ${"%Customer/401%"})`;
    expect(naming).toEqual([{ topic: "CUSTOMERS_REDACT" }]);
    // The other member is untouched.
    const other = await prisma.member.findUniqueOrThrow({
      where: { shop_customerGid: { shop, customerGid: "gid://shopify/Customer/402" } },
      include: { entries: true },
    });
    expect(other.points).toBe(55);
    expect(other.entries).toHaveLength(2);
  });
});

describe("shop/redact", () => {
  it("erases all of an uninstalled shop's data and leaves other shops alone", async () => {
    const shop = await installedShop();
    const neighbour = await installedShop();
    await memberWithHistory(shop, 501);
    await memberWithHistory(neighbour, 501);
    await deliver({
      shop,
      topic: "app/uninstalled",
      webhookId: "bye",
      body: { id: 1, myshopify_domain: shop, domain: shop },
    });

    await deliver({ shop, topic: "shop/redact", webhookId: "wipe", body: { shop_id: 1, shop_domain: shop } });

    await waitFor(
      async () => ((await prisma.shop.count({ where: { domain: shop } })) === 0 ? true : undefined),
      {
        what: "shop to be erased",
      },
    );
    for (const count of [
      prisma.member.count({ where: { shop } }),
      prisma.ledgerEntry.count({ where: { shop } }),
      prisma.programSettings.count({ where: { shop } }),
      prisma.session.count({ where: { shop } }),
      prisma.webhookDelivery.count({ where: { shop } }),
      prisma.auditLog.count({ where: { shop } }),
    ]) {
      expect(await count).toBe(0);
    }
    expect(await prisma.ledgerEntry.count({ where: { shop: neighbour } })).toBe(2);
  });

  it("refuses to erase a shop that still has Tally installed", async () => {
    const shop = await installedShop();
    await memberWithHistory(shop, 601);

    await deliver({
      shop,
      topic: "shop/redact",
      webhookId: "early",
      body: { shop_id: 1, shop_domain: shop },
    });

    const row = await settledDelivery(shop, "early");
    expect(row.status).toBe("IGNORED");
    expect(await prisma.ledgerEntry.count({ where: { shop } })).toBe(2);
  });
});

describe("app/uninstalled", () => {
  it("deletes the shop's sessions and marks it uninstalled", async () => {
    const shop = await installedShop();

    const response = await deliver({
      shop,
      topic: "app/uninstalled",
      webhookId: "u",
      body: { id: 1, myshopify_domain: shop, domain: shop },
    });

    expect(response.status).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    const row = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(row.installState).toBe("UNINSTALLED");
    expect(row.uninstalledAt).not.toBeNull();
  });
});
