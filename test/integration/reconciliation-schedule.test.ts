import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runReconciliation } from "~/jobs/run-reconciliation.server";
import { setupShopifyStandIn } from "#test/mocks/shopify/setup-server";
import { installedShop } from "#test/support/shops";
import { waitFor } from "#test/support/wait";
import { runWorkersDuringFile } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 1, reconcileEveryMs: 300 });

const shopify = setupShopifyStandIn({
  apiKey: process.env.SHOPIFY_API_KEY!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
});
const { standIn } = shopify;
beforeAll(() => shopify.listen());
afterAll(() => shopify.close());

async function connectedShop() {
  const shop = await installedShop({ label: "scheduled" });
  standIn.addShop({ domain: shop, currencyCode: "USD" });
  const { token } = standIn.issueToken(shop, { kind: "offline", expiring: false });
  await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: token } });
  return { shop, customerId: standIn.addCustomer(shop) };
}

describe("the worker's reconciliation schedule", () => {
  it("finds an order whose webhook never came and earns it without anyone's help", async () => {
    const { shop, customerId } = await connectedShop();
    const orderId = standIn.addOrder(shop, { customerId, lines: [{ price: "42.00" }] });

    const entry = await waitFor(
      () => prisma.ledgerEntry.findFirst({ where: { shop, source: orderId } }).then((e) => e ?? undefined),
      { what: "the scheduled reconciliation to earn the order", timeoutMs: 15_000 },
    );

    expect(entry).toMatchObject({ kind: "EARN", points: 42 });
  });

  it("gives up for good, with the reason, when Shopify refuses the shop's token", async () => {
    const { shop } = await connectedShop();
    await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: "shpat_revoked" } });

    const failure = await runReconciliation(shop).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UnrecoverableError);
    expect((failure as Error).message).toMatch(/401/);
  });
});
