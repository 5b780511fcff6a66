// The scheduled side of redemptions: codes that ended unused give their
// points back, and requests whose process died between reserving and
// hearing from Shopify are settled from what Shopify holds.
import { prisma } from "~/db.server";
import { codeEndsAt, type RewardSnapshot } from "~/domain/redemption";
import type { Redemption } from "~/generated/prisma/client";
import {
  completeRedemption,
  expiredCodes,
  expireRedemption,
  releaseReservation,
  stalePending,
  type SweepSkip,
} from "~/models/redemption.server";
import { adminClientForShop, type AdminClient } from "./admin-client.server";
import { lookUpCode } from "./reward-issue.server";

export interface SweepOptions {
  /** Shopify counts a code's uses asynchronously: wait this long after its end before deciding. */
  graceMs?: number;
  /** A request still PENDING after this long lost its process. */
  pendingAfterMs?: number;
  clientFor?: (shop: string) => Promise<AdminClient>;
}

export interface SweepReport {
  returned: number;
  expired: number;
  used: number;
  completed: number;
  released: number;
  unresolved: number;
}

const BATCH = 200;

export async function sweepRedemptions(now: Date, options: SweepOptions = {}): Promise<SweepReport> {
  const { graceMs = 3_600_000, pendingAfterMs = 600_000, clientFor = adminClientForShop } = options;
  const report: SweepReport = { returned: 0, expired: 0, used: 0, completed: 0, released: 0, unresolved: 0 };
  const clients = new ShopClients(clientFor);
  // Each pass settles or skips every row it read; skipped shops (Shopify
  // unreachable) are not read again in this sweep.
  for (let rows = await expiredCodes(now, graceMs, BATCH, clients.skip); rows.length > 0;) {
    for (const row of rows) await settleExpired(row, clients, report);
    rows = await expiredCodes(now, graceMs, BATCH, clients.skip);
  }
  for (let rows = await stalePending(now, pendingAfterMs, BATCH, clients.skip); rows.length > 0;) {
    for (const row of rows) await settlePending(row, clients, report);
    rows = await stalePending(now, pendingAfterMs, BATCH, clients.skip);
  }
  return report;
}

async function settleExpired(row: Redemption, clients: ShopClients, report: SweepReport) {
  const found = await clients.lookUp(row.shop, row.code!);
  if (found === "unreachable") return;
  clients.skip.ids.push(row.id);
  if (found && found.usageCount > 0) {
    // An order used it; its webhook may not have arrived (or the order
    // predates the app's subscription): Shopify's count decides.
    const marked = await prisma.redemption.updateMany({
      where: { id: row.id, status: "ISSUED" },
      data: { status: "USED" },
    });
    report.used += marked.count;
    return;
  }
  const settings = await prisma.programSettings.findUnique({
    where: { shop: row.shop },
    select: { returnExpiredCodes: true },
  });
  const giveBack = settings?.returnExpiredCodes ?? true;
  if (await expireRedemption(row, giveBack)) report[giveBack ? "returned" : "expired"]++;
}

async function settlePending(row: Redemption, clients: ShopClients, report: SweepReport) {
  clients.skip.ids.push(row.id);
  if (!row.code) {
    // Store credit cannot be looked up by a key of ours: a person decides.
    // The points stay held, so nothing is lost either way.
    await needsReview(row);
    report.unresolved++;
    return;
  }
  const found = await clients.lookUp(row.shop, row.code);
  if (found === "unreachable") {
    report.unresolved++;
    return;
  }
  if (found) {
    const reward = row.reward as unknown as RewardSnapshot;
    const expiresAt = codeEndsAt(reward, row.createdAt);
    if (await completeRedemption(row, { status: "ISSUED", shopifyId: found.shopifyId, expiresAt })) {
      report.completed++;
    }
  } else if (await releaseReservation(row, "the request stopped before Shopify made the code")) {
    report.released++;
  }
}

async function needsReview(row: Redemption) {
  if (row.failure) return;
  const failure = "store credit may or may not have been added: check the customer's account in Shopify";
  await prisma.$transaction([
    prisma.redemption.update({ where: { id: row.id }, data: { failure } }),
    prisma.auditLog.create({
      data: { shop: row.shop, action: "redemption.needs_review", subject: row.id, details: { failure } },
    }),
  ]);
}

/** One Admin client per shop for the sweep, and the shops Shopify would not answer for. */
class ShopClients {
  /** Rows this sweep has dealt with (or left), and shops Shopify would not answer for. */
  readonly skip: SweepSkip = { ids: [], shops: [] };
  private readonly clients = new Map<string, Promise<AdminClient>>();

  constructor(private readonly clientFor: (shop: string) => Promise<AdminClient>) {}

  async lookUp(shop: string, code: string) {
    try {
      if (!this.clients.has(shop)) this.clients.set(shop, this.clientFor(shop));
      return await lookUpCode(await this.clients.get(shop)!, code);
    } catch (error) {
      console.error(`[redemptions] cannot check codes of ${shop}:`, error);
      this.skip.shops.push(shop);
      return "unreachable" as const;
    }
  }
}
