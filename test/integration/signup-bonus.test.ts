import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { installedShop } from "#test/support/shops";
import { deliver, runWorkersDuringFile, settledDelivery } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 2 });

const customer = (id: number) => ({
  id,
  admin_graphql_api_id: `gid://shopify/Customer/${id}`,
  email: `ada${id}@example.com`,
  first_name: "Ada",
  last_name: "Lovelace",
  note: "loves ice cream",
  addresses: [{ address1: "151 O'Connor Street" }],
});

async function shopWithBonus(bonus: number) {
  const shop = await installedShop();
  await prisma.programSettings.update({ where: { shop }, data: { signupBonus: bonus } });
  return shop;
}

describe("customers/create", () => {
  it("makes the customer a member and awards the sign-up bonus once, however often it is delivered", async () => {
    const shop = await shopWithBonus(250);

    await Promise.all(
      ["a", "b", "c"].map((webhookId) =>
        deliver({ shop, topic: "customers/create", webhookId, body: customer(1) }),
      ),
    );

    const outcomes = await Promise.all(["a", "b", "c"].map((id) => settledDelivery(shop, id)));
    expect(outcomes.every((d) => d.status === "PROCESSED")).toBe(true);
    const member = await prisma.member.findUniqueOrThrow({
      where: { shop_customerGid: { shop, customerGid: "gid://shopify/Customer/1" } },
      include: { entries: true },
    });
    expect(member).toMatchObject({ email: "ada1@example.com", firstName: "Ada", points: 250 });
    expect(member.entries).toHaveLength(1);
    expect(member.entries[0]).toMatchObject({
      kind: "BONUS",
      points: 250,
      idempotencyKey: "signup:gid://shopify/Customer/1",
      reason: "Sign-up bonus: 250 points for joining",
    });
  });

  it("keeps only who the customer is from the payload, not their addresses or notes", async () => {
    const shop = await shopWithBonus(0);

    await deliver({ shop, topic: "customers/create", webhookId: "w", body: customer(2) });

    const delivery = await settledDelivery(shop, "w");
    expect(JSON.stringify(delivery.payload)).not.toContain("O'Connor");
    expect(JSON.stringify(delivery.payload)).not.toContain("ice cream");
  });

  it("with no bonus offered, creates the member and posts nothing", async () => {
    const shop = await shopWithBonus(0);

    await deliver({ shop, topic: "customers/create", webhookId: "w", body: customer(3) });

    expect((await settledDelivery(shop, "w")).outcome).toBe(
      "member created; this shop offers no sign-up bonus",
    );
    expect(await prisma.member.count({ where: { shop } })).toBe(1);
    expect(await prisma.ledgerEntry.count({ where: { shop } })).toBe(0);
  });

  it("a payload without a customer GID is rejected with the reason", async () => {
    const shop = await shopWithBonus(100);

    await deliver({
      shop,
      topic: "customers/create",
      webhookId: "bad",
      body: { id: 4, email: "x@example.com" },
    });

    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { shop_webhookId: { shop, webhookId: "bad" } },
    });
    expect(delivery.status).toBe("REJECTED");
    expect(delivery.outcome).toContain("admin_graphql_api_id");
    expect(await prisma.member.count({ where: { shop } })).toBe(0);
  });
});
