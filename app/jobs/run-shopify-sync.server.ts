// Consumer of the "shopify-sync" queue (producer: app/jobs/sync-queue.server.ts).
import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { planCustomerWrite, type CustomerWrite } from "~/domain/shopify-sync";
import {
  clearShopSyncFailure,
  dirtyMembers,
  markClock,
  recordDefinitionsMade,
  recordRefused,
  recordShopSyncFailure,
  recordWritten,
  releaseSyncLease,
  shopSyncState,
  takeSyncLease,
  type ShopSyncState,
  type DirtyMember,
} from "~/models/shopify-sync.server";
import {
  adminClientForShop,
  isPermanentAdminError,
  type AdminClient,
  type AdminClientOptions,
} from "~/services/admin-client.server";
import { ensureCustomerMetafieldDefinitions, pushCustomerWrites } from "~/services/customer-sync.server";
import { publishStorefrontProgram } from "~/services/storefront-program.server";
import { hasTierProgram } from "~/models/tier-dirty.server";

// Marked members read per scan of the shop.
const READ = 5_000;
// Confirmed members recorded per transaction.
const RECORD_EVERY = 100;
const REQUIRED_SCOPE = "write_customers";

export interface SyncOptions {
  /** How long a lease outlives a worker that stopped making progress (it is renewed per document). */
  leaseMs?: number;
  client?: Omit<AdminClientOptions, "shop" | "accessToken">;
}

export interface SyncReport {
  written: number;
  unchanged: number;
  refused: number;
  /** Set when the shop's last failure needs a person and is under an hour old: nothing was tried. */
  waitingOn?: string;
}

/** Thrown when another worker holds the shop's lease: BullMQ retries shortly. */
export class SyncLeaseHeldError extends Error {
  constructor(shop: string) {
    super(`another worker is syncing ${shop}; trying again shortly`);
    this.name = "SyncLeaseHeldError";
  }
}

/**
 * Brings Shopify's copy of the shop up to date: the storefront's program
 * (earn rate, rewards) when it changed, then, for a shop with tiers, its
 * marked members' tier tag, tier and points metafields. Under the shop's lease, so two workers never
 * write one shop at once. Members Shopify refuses are recorded for support
 * and the job then fails for good (`UnrecoverableError`), after everyone else
 * is written; a failure only a person can fix (token revoked, scope missing,
 * a refused document) is recorded on the shop and fails the job for good.
 * Throttling and outages are thrown as is, for BullMQ to retry.
 */
export async function runShopifySync(shop: string, options: SyncOptions = {}): Promise<SyncReport> {
  const leaseMs = options.leaseMs ?? Number(process.env.TALLY_SYNC_LEASE_MS ?? 60_000);
  const state = await shopSyncState(shop);
  if (state.waitingOn) return { written: 0, unchanged: 0, refused: 0, waitingOn: state.waitingOn };
  const leaseId = randomUUID();
  if (!(await takeSyncLease(shop, leaseId, leaseMs))) throw new SyncLeaseHeldError(shop);
  // Renewed on progress, not on a timer: a worker frozen mid-request stops
  // renewing, and the lease passes to whoever asks after it runs out. At
  // most every quarter of the lease: each renewal is a commit, and a commit
  // per document was most of the sync's time.
  let renewedAt = performance.now();
  const renew = async () => {
    if (performance.now() - renewedAt < leaseMs / 4) return;
    const asked = performance.now();
    if (!(await takeSyncLease(shop, leaseId, leaseMs))) {
      throw new Error(`lost the sync lease of ${shop}; another worker continues`);
    }
    renewedAt = asked;
  };
  try {
    const client = await adminClientForShop(shop, options.client);
    // The storefront's program needs no scope: an app may always write its
    // own installation's metafields.
    await publishStorefrontProgram(shop, (query, variables) => client.request(query, variables));
    if (!(await hasTierProgram(shop))) {
      await clearShopSyncFailure(shop);
      return { written: 0, unchanged: 0, refused: 0 };
    }
    await connect(shop, client, state);
    const report = await syncMarkedMembers(shop, client, await markClock(), renew);
    await clearShopSyncFailure(shop);
    if (report.refused > 0) {
      throw new UnrecoverableError(
        `Shopify refused ${report.refused} customer(s) of ${shop}; see the shopify.sync_refused audit entry`,
      );
    }
    return report;
  } catch (error) {
    if (isPermanentAdminError(error) || error instanceof MissingScopeError) {
      const reason = (error as Error).message;
      await recordShopSyncFailure(shop, reason);
      throw new UnrecoverableError(reason);
    }
    throw error;
  } finally {
    await releaseSyncLease(shop, leaseId).catch(() => {});
  }
}

class MissingScopeError extends Error {
  constructor(shop: string) {
    super(`${shop} has not granted ${REQUIRED_SCOPE}: tiers cannot be written to its customers`);
  }
}

async function connect(shop: string, client: AdminClient, state: ShopSyncState): Promise<void> {
  if (!state.scope?.split(",").includes(REQUIRED_SCOPE)) throw new MissingScopeError(shop);
  if (!state.definitionsMade) {
    await ensureCustomerMetafieldDefinitions((query, variables) => client.request(query, variables));
    await recordDefinitionsMade(shop);
  }
}

/**
 * Goes through members marked at or before `until` (later marks are the
 * next job's), writes what changed and records it. Stops if the lease was
 * lost: whoever holds it now writes the rest. A member read early may
 * change before their page is written; their mark then moved past the one
 * read, so it stays set and the next job writes them again.
 */
async function syncMarkedMembers(
  shop: string,
  client: AdminClient,
  until: string,
  renewLease: () => Promise<void>,
): Promise<SyncReport> {
  const report: SyncReport = { written: 0, unchanged: 0, refused: 0 };
  for (;;) {
    await renewLease();
    // One scan of the shop's members finds up to READ marked ones (the mark
    // has no index, so balance updates stay HOT).
    const marked = await dirtyMembers(shop, until, READ);
    const byId = new Map(marked.map((m) => [m.memberId, m]));
    const writes = marked.map(planCustomerWrite).filter((w): w is CustomerWrite => w !== null);
    const writing = new Set(writes.map((w) => w.memberId));
    const unchanged = marked.filter((m) => !writing.has(m.memberId));
    await recordWritten(unchanged.map((m) => ({ memberId: m.memberId, dirtyAt: m.dirtyAt, result: null })));
    // What Shopify confirmed is recorded a few documents at a time: each
    // record is a transaction, and round trips to the database cost as much
    // CPU here as the Shopify writes. Recorded only while the lease is surely
    // ours (renewed within a quarter of its length): after it passed on, the
    // new holder may have written newer state than this read.
    let confirmed: CustomerWrite[] = [];
    const record = async () => {
      const batch = confirmed;
      confirmed = [];
      await renewLease();
      await recordWritten(
        batch.map((w) => ({
          memberId: w.memberId,
          dirtyAt: byId.get(w.memberId)!.dirtyAt,
          result: w.result,
        })),
      );
    };
    const pushed = await pushCustomerWrites(client, writes, async ({ written, refused }) => {
      confirmed.push(...written);
      if (confirmed.length >= RECORD_EVERY) await record();
      if (refused.length > 0) {
        await renewLease();
        await recordRefused(
          shop,
          refused.map(({ write, reason }) => refusal(byId.get(write.memberId)!, reason)),
        );
      }
    });
    await record();
    report.written += pushed.written.length;
    report.unchanged += unchanged.length;
    report.refused += pushed.refused.length;
    if (marked.length < READ) return report;
  }
}

function refusal(member: DirtyMember, reason: string) {
  return { memberId: member.memberId, customerGid: member.customerGid, dirtyAt: member.dirtyAt, reason };
}
