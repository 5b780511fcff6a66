import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionTokenFor } from "#test/support/admin";
import { startProductionServer, type ProductionServer } from "#test/support/production-server";
import { installedShop } from "#test/support/shops";
import { rawRequest } from "./raw-request";

// What anyone on the internet can send to the production server: none of it
// is a 500, and none of it is a log line per request.

let server: ProductionServer;
beforeAll(async () => {
  server = await startProductionServer();
});
afterAll(() => server?.close());

const logBytes = () => Buffer.byteLength(server.output());

describe("the production server, given requests for nothing it serves", () => {
  it("answers 1,000 unknown paths with a plain 404 and grows its log by a line at most", async () => {
    const before = logBytes();
    const statuses = new Set<number>();
    const bodies = new Set<string>();
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          rawRequest(`${server.url}/probe-${batch}-${i}/${"x".repeat(i)}.php?id=${i}`),
        ),
      );
      for (const answer of answers) {
        statuses.add(answer.status);
        bodies.add(answer.body);
      }
    }
    expect([...statuses]).toEqual([404]);
    expect([...bodies]).toEqual(["Not Found"]);
    // One throttled count line (about 100 bytes), not 1,000 stack traces (1.2 MiB before).
    expect(logBytes() - before).toBeLessThan(300);
  });

  it.each(["TRACE", "PROPFIND", "PUT", "PATCH", "DELETE", "MKCOL", "LOCK"])(
    "answers %s with 405 and the methods it allows, on every kind of path",
    async (method) => {
      for (const path of ["/", "/app", "/app/tiers", "/healthz", "/webhooks/orders/paid", "/nope"]) {
        const answer = await rawRequest(`${server.url}${path}`, { method });
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.headers.allow).toBe("GET, HEAD, POST, OPTIONS");
      }
    },
  );

  it("answers OPTIONS with the methods it allows and HEAD like GET, without a body", async () => {
    const options = await rawRequest(`${server.url}/app/tiers`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, HEAD, POST, OPTIONS");
    const head = await rawRequest(`${server.url}/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("answers a webhook path asked for with anything but POST with 405 and Allow: POST", async () => {
    const answer = await rawRequest(`${server.url}/webhooks/orders/paid`);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("POST");
  });

  it("answers /auth/login with a 404 that says where the app opens, not a developer's message", async () => {
    for (const path of ["/auth/login", "/auth/login?shop=evil.myshopify.com", "/app"]) {
      const answer = await rawRequest(`${server.url}${path}`);
      const final =
        answer.status === 302 ? await rawRequest(`${server.url}${answer.headers.location}`) : answer;
      expect(final.status, path).toBe(404);
      expect(final.body).toContain("Shopify admin");
      expect(final.body).not.toContain("authenticate");
    }
  });

  it("refuses an exit-iframe link with a missing or foreign destination with 400", async () => {
    for (const query of [
      "",
      "?exitIframe=",
      "?exitIframe=https://evil.example/steal&shop=evil.myshopify.com",
      "?exitIframe=javascript:alert(1)",
      "?exitIframe=//evil.example",
    ]) {
      const answer = await rawRequest(`${server.url}/auth/exit-iframe${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body).not.toContain("evil.example");
    }
  });
});

describe("the production server, given garbage where Shopify sends parameters", () => {
  const host = (text: string) => Buffer.from(text).toString("base64");

  it("never answers 500 to a garbage session token, host, shop, cookie, _data or query", async () => {
    const shop = await installedShop({ label: "garbage" });
    const token = await sessionTokenFor(shop);
    const requests: [string, Record<string, string>?][] = [
      [`/app?shop=${shop}&host=${host("<>\u0000")}&embedded=1&id_token=garbage`],
      [`/app?shop=${shop}&host=zzz&embedded=1&id_token=${token}`],
      [`/app?shop=${shop}&host=a&embedded=1`],
      [`/app?shop=%00%ff&host=${host("admin.shopify.com/store/x")}&embedded=1&id_token=a.b.c`],
      [`/app/tiers?_data=routes%2Fapp.tiers`, { Authorization: "Bearer not-a-token" }],
      [`/app/tiers?_data=routes%2Fnope`, { Authorization: `Bearer ${token}` }],
      [`/app/tiers?_data=`, { Authorization: `Bearer ${token}` }],
      [`/app/tiers?_data=root`, { Authorization: "Bearer" }],
      [`/app`, { Cookie: "%%%=%%%; ;=;a=\u00ff" }],
      [`/app/tiers?${"q=%ZZ&".repeat(1_500)}`],
      [`/`, { Host: "exa mple" }],
      [`/app`, { Host: "%" }],
      [`/__manifest?p=%ZZ&version=x`],
      // Undecodable, so read as a path inside the app: the library may redirect there.
      [`/auth/exit-iframe?exitIframe=%E0%A4%A&host=%%%`],
      [`/app/tiers.data`, { Authorization: `Bearer ${token}` }],
    ];
    for (const [path, headers] of requests) {
      const answer = await rawRequest(`${server.url}${path}`, { headers });
      expect(answer.status, path).toBeGreaterThanOrEqual(200);
      expect(answer.status, path).toBeLessThan(500);
    }
  });

  it("answers a query or header too large for Node with 431, not an error", async () => {
    const answer = await rawRequest(`${server.url}/app?q=${"a".repeat(20_000)}`).catch(() => null);
    // Node answers 431 and closes; a client still writing may see the reset instead.
    if (answer) expect(answer.status).toBe(431);
    expect((await rawRequest(`${server.url}/healthz`)).status).toBe(200);
  });
});
