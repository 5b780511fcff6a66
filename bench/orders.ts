import { randomUUID } from "node:crypto";
import { signWebhook } from "../test/mocks/shopify/sign-webhook";
import { orderPayload } from "../test/factories/order";

export const orderGid = (orderId: number) => `gid://shopify/Order/${orderId}`;

export interface Delivery {
  orderId: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An endless supply of distinct, correctly signed orders/paid deliveries:
 * every request is a new order under a new webhook id, so nothing is
 * deduplicated away and each accepted request must become one ledger entry.
 */
export class OrderSource {
  // Far above the ids the tests use; distinct across every phase of a run.
  private next = 7_000_000_000_000;

  constructor(
    private readonly secret: string,
    private readonly customers: number,
  ) {}

  /** Points the order earns at 1 point per USD: varied so balance sums are meaningful. */
  static pointsFor(orderId: number): number {
    return 10 + (orderId % 90);
  }

  private readonly prepared = new Map<string, { deliveries: Delivery[]; next: number }>();

  /**
   * Builds and signs `count` deliveries ahead of a timed phase. Building a
   * payload and its HMAC costs the load generator about as much CPU as the
   * app spends verifying it, on the same two cores; pgbench's client, the
   * baseline, does no such work either.
   */
  prepare(shop: string, count: number): void {
    const deliveries = Array.from({ length: count }, () => this.build(shop));
    this.prepared.set(shop, { deliveries, next: 0 });
  }

  /** A prepared delivery if any are left, otherwise one built now. */
  nextDelivery(shop: string): Delivery {
    const ready = this.prepared.get(shop);
    return ready?.deliveries[ready.next++] ?? this.build(shop);
  }

  private build(shop: string): Delivery {
    const orderId = this.next++;
    const body = orderPayload({
      orderId,
      // Repeat customers, so members are shared and their balance rows contend as in a real shop.
      customerId: 8_000_000 + (orderId % this.customers),
      lines: [{ price: `${OrderSource.pointsFor(orderId)}.00` }],
    });
    const signed = signWebhook({
      secret: this.secret,
      shop,
      topic: "orders/paid",
      body,
      webhookId: randomUUID(),
    });
    return { orderId, headers: signed.headers, body: signed.body };
  }
}
