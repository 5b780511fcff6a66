// Property: whatever Shopify sends, in whatever order, however often, every
// member's balance equals a simple reference model. Deliveries go through the
// real webhook routes; the real BullMQ worker drains them from Redis while
// the test drains the same shop at the same time, as a second worker would.
// Between waves members spend points, so clawbacks meet spent balances.
//
// CI runs 1,000 histories; by hand: PROPERTY_RUNS=20000 npx vitest run --project integration test/integration/ledger-property.test.ts
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { postEntry } from "~/models/ledger.server";
import { releaseDuePoints } from "~/models/pending-release.server";
import { CANCELLED_AT, orderPayload } from "#test/factories/order";
import { refundPayload } from "#test/factories/refund";
import { installedShop } from "#test/support/shops";
import { waitFor } from "#test/support/wait";
import { deliver, runWorkersDuringFile, type Topic } from "#test/support/webhooks";

runWorkersDuringFile({ concurrency: 4 });

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1_000);

const cents = fc.integer({ min: 1, max: 50_000 });
const text = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;

const orderArb = fc.record({
  member: fc.integer({ min: 0, max: 2 }),
  lines: fc.array(cents, { minLength: 1, maxLength: 3 }),
  refunds: fc.array(fc.record({ line: fc.nat(), amount: cents }), { maxLength: 3 }),
  cancelled: fc.boolean(),
});

const historyArb = fc.record({
  rate: fc.constantFrom("1", "0.1", "2.5"),
  orders: fc.array(orderArb, { minLength: 1, maxLength: 4 }),
  // How many times each delivery is sent, and the order they are sent in.
  copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 40, maxLength: 40 }),
  seed: fc.integer(),
  waves: fc.integer({ min: 1, max: 4 }),
  // Points a member tries to spend after each wave (capped at what they
  // hold, so often everything): later refunds then meet a spent balance.
  spends: fc.array(
    fc.record({ member: fc.integer({ min: 0, max: 2 }), points: fc.integer({ min: 1, max: 100_000 }) }),
    { minLength: 4, maxLength: 4 },
  ),
  pendingDays: fc.constantFrom(0, 0, 10),
});

type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * The reference model: earned minus the refunded share (rounded down,
 * capped), nothing if cancelled; less what was spent. A member's balance
 * minus what they owe always equals it.
 */
function expectedNet(history: History, spent: number[]): number[] {
  const balances = [0, 0, 0];
  const [scaled, scale] = history.rate === "1" ? [1n, 1n] : history.rate === "0.1" ? [1n, 10n] : [25n, 10n];
  for (const order of history.orders) {
    if (order.cancelled) continue;
    const base = BigInt(order.lines.reduce((a, b) => a + b, 0));
    const earned = (base * scaled) / (100n * scale);
    const refunded = BigInt(
      order.refunds.reduce((a, r) => a + Math.min(r.amount, order.lines[r.line % order.lines.length]!), 0),
    );
    const taken = (earned * (refunded > base ? base : refunded)) / base;
    balances[order.member]! += Number(earned - taken);
  }
  return balances.map((balance, member) => balance - spent[member]!);
}

function deliveries(history: History, orderIdBase: number) {
  const list: Array<{ topic: Topic; body: unknown; webhookId: string }> = [];
  history.orders.forEach((order, o) => {
    const orderId = orderIdBase + o;
    const customerId = 900 + order.member;
    const lines = order.lines.map((minor) => ({ price: text(minor) }));
    list.push({
      topic: "orders/paid",
      body: orderPayload({ orderId, customerId, lines }),
      webhookId: `paid-${o}`,
    });
    order.refunds.forEach((refund, r) => {
      const line = refund.line % order.lines.length;
      const amount = Math.min(refund.amount, order.lines[line]!);
      list.push({
        topic: "refunds/create",
        body: refundPayload({
          refundId: orderId * 10 + r,
          orderId,
          lines: [{ subtotal: text(amount), lineIndex: line }],
        }),
        webhookId: `refund-${o}-${r}`,
      });
    });
    if (order.cancelled) {
      list.push({
        topic: "orders/cancelled",
        body: orderPayload({ orderId, customerId, lines, cancelledAt: CANCELLED_AT }),
        webhookId: `cancel-${o}`,
      });
    }
  });
  // Duplicates: the same delivery again (same webhook id) or re-sent under a new id.
  const sent = list.flatMap((d, i) =>
    Array.from({ length: history.copies[i % history.copies.length]! }, (_, copy) => ({
      ...d,
      webhookId: copy % 2 === 0 ? d.webhookId : `${d.webhookId}-again-${copy}`,
    })),
  );
  return shuffle(sent, history.seed);
}

function shuffle<T>(items: T[], seed: number): T[] {
  const result = [...items];
  let state = seed >>> 0 || 1;
  for (let i = result.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

let orderIdBase = 8_000_000_000_000;

const customer = (index: number) => `gid://shopify/Customer/${900 + index}`;

/** Waits until the worker has settled every delivery of the shop. */
const settled = (shop: string) =>
  waitFor(
    async () =>
      (await prisma.webhookDelivery.count({ where: { shop, status: "PENDING" } })) === 0 || undefined,
    {
      what: `${shop}'s deliveries to settle`,
    },
  );

/** A member spends up to `points` of what they hold (as a redemption will); returns what was spent. */
async function spendUpTo(shop: string, index: number, points: number, wave: number): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const [member] = await tx.$queryRaw<Array<{ id: string; points: number }>>`
      SELECT "id"::text, "points" FROM "Member" WHERE "shop" = ${shop} AND "customerGid" = ${customer(index)} FOR UPDATE`;
    const spend = Math.min(points, member?.points ?? 0);
    if (!member || spend === 0) return 0;
    await postEntry(tx, {
      shop,
      memberId: member.id,
      kind: "ADJUSTMENT",
      points: -spend,
      reason: "spent (property test)",
      source: null,
      idempotencyKey: `spend:${wave}:${index}`,
      details: {},
    });
    return spend;
  });
}

describe("the ledger under any history of order events", () => {
  it(
    `matches the reference model over ${RUNS} random histories delivered with duplicates, shuffled and concurrently`,
    async () => {
      await fc.assert(
        fc.asyncProperty(historyArb, async (history) => {
          const shop = await installedShop({ earnRate: history.rate });
          await prisma.programSettings.update({
            where: { shop },
            data: { pendingDays: history.pendingDays },
          });
          orderIdBase += 10;
          const sent = deliveries(history, orderIdBase);
          const spent = [0, 0, 0];
          const waveSize = Math.ceil(sent.length / history.waves);
          for (let start = 0, wave = 0; start < sent.length; start += waveSize, wave++) {
            const answers = await Promise.all(
              sent.slice(start, start + waveSize).map((d) => deliver({ shop, ...d })),
            );
            expect(answers.every((a) => a.status === 200)).toBe(true);
            // A second drain of the same shop, racing the worker's.
            await drainShop(shop);
            await settled(shop);
            const spend = history.spends[wave];
            if (spend) spent[spend.member]! += await spendUpTo(shop, spend.member, spend.points, wave);
          }

          const net = expectedNet(history, spent);
          if (history.pendingDays > 0) {
            // Nothing was spendable yet; everything earned is pending.
            for (const member of await prisma.member.findMany({ where: { shop } })) {
              expect(member.points).toBe(0);
            }
            await releaseDuePoints(new Date(Date.now() + (history.pendingDays + 1) * 24 * 3600 * 1000));
          }
          const members = await prisma.member.findMany({ where: { shop }, include: { entries: true } });
          for (const [index, expected] of net.entries()) {
            const member = members.find((m) => m.customerGid === customer(index));
            expect((member?.points ?? 0) - (member?.pointsOwed ?? 0)).toBe(expected);
          }
          for (const member of members) {
            expect(member.points).toBeGreaterThanOrEqual(0);
            expect(member.pendingPoints).toBe(0);
            // Debts are repaid from earnings first: nobody holds points while owing.
            expect(Math.min(member.points, member.pointsOwed)).toBe(0);
            expect(member.entries.reduce((sum, e) => sum + e.points, 0)).toBe(member.points);
            expect(member.entries.reduce((sum, e) => sum + e.pendingPoints, 0)).toBe(member.pendingPoints);
          }
          const earns = await prisma.ledgerEntry.groupBy({
            by: ["source"],
            where: { shop, kind: "EARN" },
            _count: true,
          });
          expect(earns.every((e) => e._count === 1)).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    15 * 60_000,
  );
});
