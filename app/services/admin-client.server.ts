// The Admin GraphQL client for background jobs. Workers cannot use
// `admin.graphql` from shopify-app-remix: that needs the Remix app config and
// a request. See docs/decisions/0009-admin-graphql-client.md.
import { ClientError, GraphQLClient } from "graphql-request";
import { prisma } from "~/db.server";
import { PrismaSessionStorage } from "~/models/session.server";
import { AdminApiError } from "./admin-graphql.server";

export const ADMIN_API_VERSION = "2026-10";

// The token is sent to whatever host `shop` names, so only Shopify's own.
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

// A hung connection would hold a job forever: BullMQ keeps renewing the lock
// of a job that is still running, so its stall check never fires.
const ATTEMPT_TIMEOUT_MS = 30_000;

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface AdminClientOptions {
  shop: string;
  accessToken: string;
  apiVersion?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the backoff's jitter. */
  random?: () => number;
  /** Milliseconds, for the bucket's refill. */
  now?: () => number;
  retry?: RetryOptions;
}

export interface AdminClient {
  /**
   * Runs a document and returns `data`. `expectedCost` paces the first call of
   * a document, before its cost has been seen.
   */
  request<T>(
    document: string,
    variables?: Record<string, unknown>,
    options?: { expectedCost?: number },
  ): Promise<T>;
}

export interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export class ShopNotConnectedError extends Error {
  constructor(readonly shop: string) {
    super(`${shop} has no offline session: the app is not installed there`);
    this.name = "ShopNotConnectedError";
  }
}

export class ShopifyUserError extends Error {
  constructor(
    readonly operation: string,
    readonly userErrors: UserError[],
  ) {
    const messages = userErrors.map((e) =>
      e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message,
    );
    super(`${operation} was refused: ${messages.join("; ")}`);
    this.name = "ShopifyUserError";
  }
}

/** Shopify stayed throttled or unavailable; a later job attempt may succeed. */
export class AdminApiRetriesExhaustedError extends Error {
  constructor(
    readonly shop: string,
    readonly attempts: number,
    readonly lastReason: string,
  ) {
    super(`Admin API request to ${shop} failed after ${attempts} attempts; last: ${lastReason}`);
    this.name = "AdminApiRetriesExhaustedError";
  }
}

/** Errors that another try cannot fix: workers wrap these in BullMQ's UnrecoverableError. */
export function isPermanentAdminError(error: unknown): boolean {
  return (
    error instanceof AdminApiError ||
    error instanceof ShopifyUserError ||
    error instanceof ShopNotConnectedError
  );
}

/** Returns the mutation payload, or throws ShopifyUserError if Shopify refused the input. */
export function requireNoUserErrors<P extends { userErrors: UserError[] }>(payload: P, operation: string): P {
  if (payload.userErrors.length > 0) throw new ShopifyUserError(operation, payload.userErrors);
  return payload;
}

interface Bucket {
  available: number;
  maximum: number;
  restoreRate: number;
  at: number;
}

interface QueryCost {
  requestedQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

// Shopify keeps one bucket per app and shop, so every client of a shop in this
// process shares what the last response said about it.
const buckets = new Map<string, Bucket>();
// A document's requested cost is the same for every shop (variables aside).
const lastCost = new Map<string, number>();

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const { shop, accessToken, apiVersion = ADMIN_API_VERSION, sleep = defaultSleep } = options;
  const { random = Math.random, now = Date.now } = options;
  const { attempts = 6, baseDelayMs = 250, maxDelayMs = 10_000 } = options.retry ?? {};
  if (!SHOP_DOMAIN.test(shop)) throw new Error(`Not a myshopify.com domain: ${JSON.stringify(shop)}`);

  const client = new GraphQLClient(`https://${shop}/admin/api/${apiVersion}/graphql.json`, {
    headers: { "X-Shopify-Access-Token": accessToken },
    fetch: options.fetch,
    // Hand back `errors` with `extensions` instead of throwing them away.
    errorPolicy: "all",
  });

  // Exponential, with half of it random so workers throttled together do not
  // come back together.
  const backoff = (attempt: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  // Takes the cost from the estimate before sending, letting it go negative,
  // so concurrent requests of this shop wait their turn instead of all
  // spending the same headroom.
  const pace = async (cost: number | undefined) => {
    const bucket = buckets.get(shop);
    if (!bucket || cost === undefined || bucket.restoreRate <= 0) return;
    const at = now();
    const refilled = bucket.available + ((at - bucket.at) / 1000) * bucket.restoreRate;
    const available = Math.min(bucket.maximum, refilled) - cost;
    buckets.set(shop, { ...bucket, available, at });
    if (available < 0) await sleep(Math.ceil((-available / bucket.restoreRate) * 1000));
  };

  const observe = (document: string, extensions: unknown) => {
    const cost = (extensions as { cost?: QueryCost } | undefined)?.cost;
    if (typeof cost?.throttleStatus?.currentlyAvailable !== "number") return;
    lastCost.set(document, cost.requestedQueryCost);
    const { currentlyAvailable, maximumAvailable, restoreRate } = cost.throttleStatus;
    buckets.set(shop, { available: currentlyAvailable, maximum: maximumAvailable, restoreRate, at: now() });
  };

  // Why a failed call may be tried again; throws when it may not.
  const transientReason = (error: unknown): string => {
    if (!(error instanceof ClientError)) {
      return `network error: ${error instanceof Error ? error.message : String(error)}`;
    }
    const { status, body } = error.response;
    if (status === 429 || status >= 500) return `HTTP ${status}`;
    // Any other 4xx is the request's own fault, and 401 means the token is gone.
    const why = status === 401 ? "the access token (revoked, or the app was uninstalled)" : "the request";
    throw new AdminApiError(`Shopify refused ${why} for ${shop}: HTTP ${status}`, { status, body });
  };

  return {
    async request<T>(
      document: string,
      variables?: Record<string, unknown>,
      { expectedCost }: { expectedCost?: number } = {},
    ) {
      let reason = "";
      for (let attempt = 1; attempt <= attempts; attempt++) {
        await pace(expectedCost ?? lastCost.get(document));
        let response;
        try {
          response = await client.rawRequest<T>({
            query: document,
            variables,
            signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
          });
        } catch (error) {
          reason = transientReason(error);
          if (attempt < attempts) await sleep(backoff(attempt));
          continue;
        }
        observe(document, response.extensions);
        const errors = response.errors ?? [];
        if (errors.length === 0) return response.data;
        if (!errors.every((e) => e.extensions?.code === "THROTTLED")) {
          throw new AdminApiError(`Admin API refused the request for ${shop}: ${errors[0]!.message}`, errors);
        }
        reason = "THROTTLED";
        // When the reported bucket lacks the cost, the next pace() waits for
        // exactly the refill. When it does not, the numbers do not explain the
        // throttle (another process spent them first), so back off.
        const bucket = buckets.get(shop);
        const covered = !bucket || bucket.available >= (expectedCost ?? lastCost.get(document) ?? 0);
        if (covered && attempt < attempts) await sleep(backoff(attempt));
      }
      throw new AdminApiRetriesExhaustedError(shop, attempts, reason);
    },
  };
}

const sessions = new PrismaSessionStorage(prisma);

/** A client with the shop's offline token, as stored at install. */
export async function adminClientForShop(
  shop: string,
  options: Omit<AdminClientOptions, "shop" | "accessToken"> = {},
): Promise<AdminClient> {
  const session = await sessions.loadSession(`offline_${shop}`);
  if (!session?.accessToken) throw new ShopNotConnectedError(shop);
  return createAdminClient({ ...options, shop, accessToken: session.accessToken });
}
