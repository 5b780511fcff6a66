import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { PrismaClient } from "~/generated/prisma/client";
import type { Session as SessionRow } from "~/generated/prisma/client";

// Every webhook and app-proxy request loads the shop's offline session; at
// webhook rates that lookup was a third of the request's database work. A
// found session is kept for a few seconds. Writes and deletes through this
// process drop it at once; another process's uninstall is seen within the TTL
// (a webhook in that window is recorded and processed as if still installed).
const CACHE_TTL_MS = 5_000;
const cache = new Map<string, { session: Session; until: number }>();

/** Drops cached sessions of a shop whose sessions were deleted outside this storage. */
export function forgetCachedSessions(shop: string): void {
  for (const [id, entry] of cache) if (entry.session.shop === shop) cache.delete(id);
}

// Our own SessionStorage: Shopify's Prisma adapter (v11) still pins Prisma 6
// (docs/decisions/0003-session-storage.md). The interface is five methods.
export class PrismaSessionStorage implements SessionStorage {
  constructor(private readonly db: PrismaClient) {}

  async storeSession(session: Session): Promise<boolean> {
    const row = toRow(session);
    cache.delete(row.id);
    await this.db.session.upsert({ where: { id: row.id }, create: row, update: row });
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit.session;
    const row = await this.db.session.findUnique({ where: { id } });
    if (!row) return undefined;
    const session = fromRow(row);
    cache.set(id, { session, until: Date.now() + CACHE_TTL_MS });
    return session;
  }

  async deleteSession(id: string): Promise<boolean> {
    cache.delete(id);
    await this.db.session.deleteMany({ where: { id } });
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) cache.delete(id);
    await this.db.session.deleteMany({ where: { id: { in: ids } } });
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const rows = await this.db.session.findMany({ where: { shop }, take: 25 });
    return rows.map(fromRow);
  }
}

function toRow(session: Session): SessionRow {
  const user = session.onlineAccessInfo?.associated_user;
  return {
    id: session.id,
    shop: session.shop,
    state: session.state,
    isOnline: session.isOnline,
    scope: session.scope ?? null,
    expires: session.expires ?? null,
    accessToken: session.accessToken ?? "",
    userId: user?.id === undefined ? null : BigInt(user.id),
    firstName: user?.first_name ?? null,
    lastName: user?.last_name ?? null,
    email: user?.email ?? null,
    accountOwner: user?.account_owner ?? false,
    locale: user?.locale ?? null,
    collaborator: user?.collaborator ?? false,
    emailVerified: user?.email_verified ?? false,
    refreshToken: session.refreshToken ?? null,
    refreshTokenExpires: session.refreshTokenExpires ?? null,
  };
}

function fromRow(row: SessionRow): Session {
  const session = new Session({
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: row.isOnline,
  });
  session.scope = row.scope ?? undefined;
  session.expires = row.expires ?? undefined;
  session.accessToken = row.accessToken;
  session.refreshToken = row.refreshToken ?? undefined;
  session.refreshTokenExpires = row.refreshTokenExpires ?? undefined;
  if (row.userId !== null) {
    session.onlineAccessInfo = {
      expires_in: 0,
      associated_user_scope: row.scope ?? "",
      associated_user: {
        id: Number(row.userId),
        first_name: row.firstName ?? "",
        last_name: row.lastName ?? "",
        email: row.email ?? "",
        account_owner: row.accountOwner,
        locale: row.locale ?? "",
        collaborator: row.collaborator ?? false,
        email_verified: row.emailVerified ?? false,
      },
    };
  }
  return session;
}
