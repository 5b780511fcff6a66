import { prisma } from "~/db.server";
import { forgetCachedSessions } from "./session.server";
import { clearShopSyncFailure } from "./shopify-sync.server";

/** app/scopes_update: keep the stored sessions' scope in line with what the merchant granted. */
export async function updateSessionScopes(shop: string, scope: string): Promise<void> {
  await prisma.session.updateMany({ where: { shop }, data: { scope } });
  forgetCachedSessions(shop);
  // A sync waiting on a scope the merchant has now granted tries again at once.
  await clearShopSyncFailure(shop);
}
