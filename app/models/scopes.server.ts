import { prisma } from "~/db.server";
import { forgetCachedSessions } from "./session.server";

/** app/scopes_update: keep the stored sessions' scope in line with what the merchant granted. */
export async function updateSessionScopes(shop: string, scope: string): Promise<void> {
  await prisma.session.updateMany({ where: { shop }, data: { scope } });
  forgetCachedSessions(shop);
}
