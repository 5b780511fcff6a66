import { signAppProxyUrl } from "../test/mocks/shopify/sign-app-proxy-url";

// Signing is not what is measured: a pool is signed up front and handed out
// in turn. The app refuses a signature more than 90 s from its clock, so the
// pool is signed again well before that.
const POOL_SIZE = 4_096;
const RESIGN_AFTER_MS = 30_000;

/**
 * Paths of `GET /proxy/customer` as Shopify's app proxy forwards them, each
 * signed for a member picked at random from customer ids 1…members.
 */
export class ProxyUrls {
  private paths: string[] = [];
  private signedAt = 0;
  private next = 0;
  private readonly customers: number[];

  constructor(
    private readonly secret: string,
    private readonly shop: string,
    members: number,
  ) {
    this.customers = Array.from({ length: POOL_SIZE }, () => 1 + Math.floor(Math.random() * members));
  }

  /** The next signed path (with its query string), signing the pool afresh when it is getting old. */
  take(): string {
    if (Date.now() - this.signedAt > RESIGN_AFTER_MS) this.sign();
    const path = this.paths[this.next]!;
    this.next = (this.next + 1) % this.paths.length;
    return path;
  }

  /** The customer id a path from this pool is for. */
  static customerOf(path: string): number {
    return Number(new URL(path, "http://x").searchParams.get("logged_in_customer_id"));
  }

  private sign(): void {
    this.signedAt = Date.now();
    this.paths = this.customers.map((id) => {
      const url = new URL(
        signAppProxyUrl({
          secret: this.secret,
          shop: this.shop,
          url: "http://app.invalid/proxy/customer",
          loggedInCustomerId: String(id),
        }),
      );
      return `${url.pathname}${url.search}`;
    });
  }
}
