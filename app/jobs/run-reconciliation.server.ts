// Consumer of the "reconcile" queue (producer: app/jobs/reconcile-queue.server.ts).
import { UnrecoverableError } from "bullmq";
import { getEnv } from "~/env.server";
import { reconcileShop } from "~/models/reconciliation.server";
import { hasTierProgram } from "~/models/tier-dirty.server";
import { adminClientForShop, isPermanentAdminError } from "~/services/admin-client.server";
import { requestTierRecalculation } from "./tier-queue.server";

/**
 * One shop's reconciliation over the configured look-back. A permanent
 * Admin API failure (token revoked, app uninstalled, a refused query) fails
 * the job for good, with its reason in the failed-job record and the logs,
 * instead of retrying what cannot succeed; the next slot tries afresh.
 */
export async function runReconciliation(shop: string, now = new Date()): Promise<string> {
  const since = new Date(now.getTime() - getEnv().RECONCILE_LOOKBACK_HOURS * 3600 * 1000);
  try {
    const client = await adminClientForShop(shop);
    const report = await reconcileShop(shop, client, since, now);
    // Balances moved outside a drain: the tiers' marks are set, this makes the look prompt.
    if (report.earned + report.refunds + report.cancellations > 0 && (await hasTierProgram(shop))) {
      await requestTierRecalculation(shop);
    }
    return `${shop}: ${report.orders} orders checked, ${report.fetched} read in full, ${report.earned} earned, ${report.refunds} refunds, ${report.cancellations} cancellations, ${report.refused.length} refused`;
  } catch (error) {
    if (isPermanentAdminError(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
}
