import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runReconciliation } from "~/jobs/run-reconciliation.server";
import { saveTierProgram } from "~/models/tier-program.server";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";
import { tierNameOf } from "#test/support/tiers";
import { waitFor } from "#test/support/wait";
import { runWorkersDuringFile } from "#test/support/webhooks";

// The sweeper's grace is longer than any test here, so whatever a test sees
// happen was asked for by the path under test, not found later by the sweeper.
runWorkersDuringFile({ concurrency: 1, reconcileEveryMs: 300, sweepGraceMs: 600_000 });

const standIn = standInDuringFile();

const connected = () => connectedShop(standIn, "scheduled");

describe("the worker's reconciliation schedule", () => {
  // The schedule reconciles every installed shop, and in a full run the
  // earlier test files have installed hundreds: this shop's turn can take a while.
  it(
    "finds an order whose webhook never came and earns it without anyone's help",
    { timeout: 90_000 },
    async () => {
      const { shop, customerId } = await connected();
      const orderId = standIn.addOrder(shop, { customerId, lines: [{ price: "42.00" }] });

      const entry = await waitFor(
        () => prisma.ledgerEntry.findFirst({ where: { shop, source: orderId } }).then((e) => e ?? undefined),
        { what: "the scheduled reconciliation to earn the order", timeoutMs: 75_000 },
      );

      expect(entry).toMatchObject({ kind: "EARN", points: 42 });
    },
  );

  it("moves the member's tier, in Tally and in Shopify, as soon as a filled gap changes their balance", async () => {
    const { shop, customerId } = await connected();
    await saveTierProgram(shop, tierProgramInput([tierInput("Bronze", "0"), tierInput("Silver", "100")]));
    standIn.addOrder(shop, { customerId, lines: [{ price: "150.00" }] });

    await runReconciliation(shop);

    // The sweeper would not look for ten minutes: the reconciliation itself asked for the tier job.
    await waitFor(
      async () => (standIn.customer(shop, customerId)!.tags.includes("VIP: Silver") ? true : undefined),
      { what: "the Silver tag in Shopify", timeoutMs: 30_000 },
    );
    expect(await tierNameOf(shop, customerId)).toBe("Silver");
  });

  it("gives up for good, with the reason, when Shopify refuses the shop's token", async () => {
    const { shop } = await connected();
    await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: "shpat_revoked" } });

    const failure = await runReconciliation(shop).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UnrecoverableError);
    expect((failure as Error).message).toMatch(/401/);
  });
});
