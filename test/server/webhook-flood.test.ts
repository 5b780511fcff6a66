import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhook } from "#test/mocks/shopify/sign-webhook";
import { orderPayload } from "#test/factories/order";
import { uniqueShop } from "#test/support/shops";
import { startProductionServer, type ProductionServer } from "#test/support/production-server";

// The production server under floods of oversized and unsigned webhook
// requests: it answers each, never holds an unverified body whole, and its
// memory stays flat (the probe saw one 200 MB post take it from 733 MB to a
// 1.76 GB peak).

const MiB = 1024 * 1024;
let server: ProductionServer;

beforeAll(async () => {
  server = await startProductionServer();
});
afterAll(() => server.close());

/** Shopify's headers with a wrong HMAC, for `path`. */
function unsignedHeaders(shop = uniqueShop("flood")) {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": Buffer.alloc(32, 7).toString("base64"),
    "X-Shopify-Topic": "orders/paid",
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-Webhook-Id": `flood-${Math.random()}`,
    "X-Shopify-API-Version": "2026-10",
  };
}

interface Outcome {
  status: number | null;
  /** Bytes the client managed to send before the server answered or cut it. */
  sent: number;
}

/**
 * Posts up to `total` bytes in 64 KiB chunks, declaring `declared` as its
 * length (or chunked), and stops as soon as the server answers or hangs up.
 * `patient` sends one chunk and then waits for the answer, as a client that
 * reads the response before pushing more would: a client that keeps writing
 * into a closed connection sees a reset instead of the 413.
 */
function post(
  headers: Record<string, string>,
  total: number,
  declared: number | null,
  patient = false,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      resolve({ status, sent });
    };
    const req = httpRequest(`${server.url}/webhooks/orders/paid`, {
      method: "POST",
      headers: declared === null ? headers : { ...headers, "Content-Length": String(declared) },
      agent: false,
    });
    req.on("response", (res) => {
      status = res.statusCode ?? null;
      res.resume();
      res.on("end", done);
      res.on("error", done);
      req.destroy();
    });
    req.on("error", done);
    req.on("close", done);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!settled && status === null) {
        if (sent >= total) return void req.end();
        sent += chunk.length;
        const flushed = req.write(chunk);
        if (patient) return void setTimeout(pump, 2_000);
        if (!flushed) return void req.once("drain", pump);
      }
    };
    pump();
  });
}

const rssMiB = async () => Math.round((await server.peakRssBytes()) / MiB);

describe("webhook floods", () => {
  it("oversized and unsigned floods are answered 413/401, never read whole, and memory stays flat", async () => {
    // Warm up: one ordinary refused delivery, so the baseline includes the loaded app.
    await post(unsignedHeaders(), 10_000, 10_000);
    const before = await rssMiB();

    // Declared far over the limit: refused on the headers, nearly nothing read.
    const declared = await Promise.all(
      Array.from({ length: 20 }, () => post(unsignedHeaders(), 8 * MiB, 200 * MiB, true)),
    );
    // Chunked, no length: counted as it streams and cut just past the limit.
    const chunked = await Promise.all(
      Array.from({ length: 10 }, () => post(unsignedHeaders(), 20 * MiB, null)),
    );
    // Within the limit but unsigned: read, HMAC refused.
    const unsigned = await Promise.all(
      Array.from({ length: 200 }, () => post(unsignedHeaders(), 64 * 1024, 64 * 1024)),
    );

    const after = await rssMiB();
    expect(declared.map((o) => o.status)).toEqual(Array(20).fill(413));
    // None had to send its 8 MiB: the answer came on the headers.
    for (const outcome of declared) expect(outcome.sent).toBeLessThan(8 * MiB);
    for (const outcome of chunked) {
      expect(outcome.status === 413 || outcome.status === null).toBe(true);
      expect(outcome.sent).toBeLessThan(20 * MiB);
    }
    expect(chunked.some((o) => o.status === 413)).toBe(true);
    expect(unsigned.map((o) => o.status)).toEqual(Array(200).fill(401));
    // 4 GB would have been offered in all; the peak grew by a few bodies at most.
    console.info(`[flood] peak RSS ${before} MiB before, ${after} MiB after`);
    expect(after - before).toBeLessThan(120);
  });

  it("a chunked body over the limit is cut, and the server still takes a real delivery after the floods", async () => {
    const over = await post(unsignedHeaders(), 64 * MiB, null);
    expect(over.status === 413 || over.status === null).toBe(true);
    expect(over.sent).toBeLessThan(64 * MiB);

    const signed = signWebhook({
      secret: process.env.SHOPIFY_API_SECRET!,
      shop: uniqueShop("after-flood"),
      topic: "orders/paid",
      body: orderPayload({ orderId: 8_400_000_000_001, customerId: 1 }),
    });
    const response = await fetch(`${server.url}/webhooks/orders/paid`, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
    });
    expect(response.status).toBe(200);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it("the refusals reach the log as a few counted lines, not one per request", () => {
    const refusals = server
      .output()
      .split("\n")
      .filter((line) => line.includes("refused"));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThan(10);
  });
});
