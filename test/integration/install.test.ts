import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { markUninstalled } from "~/models/install.server";
import * as appLayout from "~/routes/app";
import { setupShopifyStandIn } from "#test/mocks/shopify/setup-server";
import { mintSessionToken } from "#test/mocks/shopify/session-token";
import { callRoute } from "#test/support/routes";
import { uniqueShop } from "#test/support/shops";

const credentials = () => ({
  apiKey: process.env.SHOPIFY_API_KEY!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
});
const shopify = setupShopifyStandIn(credentials());

beforeAll(() => shopify.listen());
afterAll(() => shopify.close());

/** The first request the embedded admin makes after install, as App Bridge sends it. */
async function firstAdminRequest(shop: string, token?: string) {
  const idToken =
    token ??
    (await mintSessionToken({ shop, apiKey: credentials().apiKey, secret: credentials().apiSecret }));
  const host = Buffer.from(`${shop}/admin`).toString("base64url");
  return callRoute(
    appLayout.loader,
    new Request(`https://tally.test/app?embedded=1&shop=${shop}&host=${host}&id_token=${idToken}`),
  );
}

describe("Shopify-managed install with token exchange", () => {
  it("the first embedded request exchanges the session token, stores the offline session and sets the shop up", async () => {
    const shop = uniqueShop("newcomer");
    shopify.standIn.addShop({ domain: shop, currencyCode: "EUR" });

    const result = await firstAdminRequest(shop);

    // The layout's loader data: authenticated, nothing thrown.
    expect(result).toEqual({ apiKey: credentials().apiKey });
    const session = await prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(session.accessToken).toMatch(/.+/);
    expect(shopify.standIn.activeToken(shop, session.accessToken)).not.toBeNull();
    const row = await prisma.shop.findUniqueOrThrow({ where: { domain: shop }, include: { settings: true } });
    expect(row).toMatchObject({ installState: "INSTALLED", currencyCode: "EUR" });
    expect(row.settings?.earnRate.toString()).toBe("1");
    expect(await prisma.auditLog.count({ where: { shop, action: "app.installed" } })).toBe(1);
    // Tier and balance metafields are readable in Liquid from the first sync on.
    const definitions = shopify.standIn.state(shop).metafieldDefinitions;
    expect(definitions.map((d) => [d.ownerType, d.key, d.type, d.access.storefront])).toEqual([
      ["CUSTOMER", "tier", "single_line_text_field", "PUBLIC_READ"],
      ["CUSTOMER", "points_balance", "number_integer", "PUBLIC_READ"],
    ]);
    expect(row.metafieldDefinitionsAt).not.toBeNull();
    // Product pages can show "earn N points" from the first view: 1 point per euro.
    const installation = shopify.standIn.state(shop).shop.appInstallationId;
    const program = shopify.standIn.metafieldsOf(shop, installation).find((m) => m.key === "program");
    expect(JSON.parse(program!.value)).toMatchObject({
      currency: "EUR",
      earn: { numerator: 1, denominator: 100 },
    });
    expect(row.storefrontPublishedAt).not.toBeNull();
  });

  it("a reinstall keeps the merchant's program settings", async () => {
    const shop = uniqueShop("returning");
    shopify.standIn.addShop({ domain: shop });
    await firstAdminRequest(shop);
    await prisma.programSettings.update({ where: { shop }, data: { earnRate: "0.1" } });
    await markUninstalled(shop);

    await firstAdminRequest(shop);

    const row = await prisma.shop.findUniqueOrThrow({ where: { domain: shop }, include: { settings: true } });
    expect(row.installState).toBe("INSTALLED");
    expect(row.settings?.earnRate.toString()).toBe("0.1");
    // The definitions already existed (TAKEN): still two, and the install went through.
    expect(shopify.standIn.state(shop).metafieldDefinitions).toHaveLength(2);
  });

  it("a session token signed with another secret installs nothing", async () => {
    const shop = uniqueShop("forged");
    shopify.standIn.addShop({ domain: shop });
    const forged = await mintSessionToken({ shop, apiKey: credentials().apiKey, secret: "attacker" });

    const result = await firstAdminRequest(shop, forged);

    expect(result).toBeInstanceOf(Response);
    expect((result as Response).status).toBeGreaterThanOrEqual(300);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.shop.count({ where: { domain: shop } })).toBe(0);
  });
});
