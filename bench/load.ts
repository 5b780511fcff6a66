import autocannon from "autocannon";
import type { OrderSource } from "./orders";

export interface LoadResult {
  connections: number;
  /** From the first request to the last response. */
  seconds: number;
  startedAt: number;
  sent: number;
  /** Order ids answered 2xx: the app owns them from then on. */
  accepted: number[];
  rejected: number;
  /** Requests that got no status at all (socket errors, 10 s timeouts). */
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

// Enough for every request a phase is likely to send; beyond it deliveries
// are built on the fly.
const PREPARED_PER_SECOND = 2_000;

// Far above what two cores can serve in the time given; only a safety bound.
const MAX_REQUESTS_PER_SECOND = 20_000;

/** Posts distinct signed orders to /webhooks/orders/paid for `seconds` over a fixed number of connections. */
export async function fireOrders(options: {
  baseUrl: string;
  shop: string;
  orders: OrderSource;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  options.orders.prepare(options.shop, PREPARED_PER_SECOND * options.seconds);
  const accepted: number[] = [];
  let sent = 0;
  let rejected = 0;
  const startedAt = Date.now();
  let lastResponseAt = startedAt;

  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.seconds,
    maxOverallRequests: MAX_REQUESTS_PER_SECOND * options.seconds,
    timeout: 10,
    requests: [
      {
        // Each connection has its own context and one request in flight, so
        // the order id stored here is the one its next response answers.
        setupRequest: (request, context) => {
          const delivery = options.orders.nextDelivery(options.shop);
          context.orderId = delivery.orderId;
          sent++;
          return {
            ...request,
            method: "POST",
            path: "/webhooks/orders/paid",
            headers: delivery.headers,
            body: delivery.body,
          };
        },
        onResponse: (status, _body, context) => {
          lastResponseAt = Date.now();
          if (status >= 200 && status < 300) accepted.push(context.orderId as number);
          else rejected++;
        },
      },
    ],
  });

  const { p50, p90, p99, max, mean } = result.latency;
  return {
    connections: options.connections,
    seconds: (lastResponseAt - startedAt) / 1000,
    startedAt,
    sent,
    accepted,
    rejected,
    errors: result.errors,
    latencyMs: { p50, p90, p99, max, mean },
  };
}
