import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionTokenFor } from "#test/support/admin";
import { startProductionServer, type ProductionServer } from "#test/support/production-server";
import { installedShop } from "#test/support/shops";
import { rawRequest } from "./raw-request";

let server: ProductionServer;
let shop: string;
beforeAll(async () => {
  [server, shop] = await Promise.all([startProductionServer(), installedShop({ label: "headers" })]);
});
afterAll(() => server?.close());

const base64 = (text: string) => Buffer.from(text).toString("base64url");
/** The embedded admin's document request for `path`, as Shopify opens it for `shop`. */
const adminDocument = (path: string, query: Record<string, string>) =>
  rawRequest(`${server.url}${path}?${new URLSearchParams({ embedded: "1", ...query })}`);

describe("the production server's headers", () => {
  it("sends nosniff and HSTS on every kind of answer, the app proxy's and refusals included", async () => {
    const token = await sessionTokenFor(shop);
    const answers = await Promise.all([
      rawRequest(`${server.url}/`),
      rawRequest(`${server.url}/healthz`),
      rawRequest(`${server.url}/nope`),
      rawRequest(`${server.url}/`, { method: "TRACE" }),
      rawRequest(`${server.url}/proxy/customer?shop=${shop}&signature=forged`),
      rawRequest(`${server.url}/webhooks/orders/paid`, { method: "POST", body: "{}" }),
      rawRequest(`${server.url}/app/tiers?_data=routes%2Fapp.tiers`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
      rawRequest(`${server.url}/assets/missing.js`),
    ]);
    for (const answer of answers) {
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["strict-transport-security"]).toBe("max-age=31536000");
    }
  });

  it("forbids caching admin pages and their data, signed in or not", async () => {
    const token = await sessionTokenFor(shop);
    const answers = await Promise.all([
      adminDocument("/app/tiers", { shop, host: base64(`${shop}/admin`), id_token: token }),
      rawRequest(`${server.url}/app/tiers?_data=routes%2Fapp.tiers`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
      rawRequest(`${server.url}/app/tiers?_data=routes%2Fapp.tiers`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: "intent=preview&program=%7B%7D",
      }),
      rawRequest(`${server.url}/app`),
      rawRequest(`${server.url}/auth/session-token?shop=${shop}`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 302, 200]);
    for (const answer of answers) expect(answer.headers["cache-control"]).toBe("no-store");
  });

  it("lets only the admin and the shop whose session token was verified frame an admin page", async () => {
    const token = await sessionTokenFor(shop);
    const page = await adminDocument("/app/tiers", { shop, host: base64(`${shop}/admin`), id_token: token });
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toBe(
      `frame-ancestors https://${shop} https://admin.shopify.com;`,
    );
  });

  it("never names a shop that only the URL claims in frame-ancestors", async () => {
    const attacker = "attacker.myshopify.com";
    const token = await sessionTokenFor(shop);
    const answers = await Promise.all([
      // The token is the installed shop's: the URL's shop is not the one verified.
      adminDocument("/app/tiers", { shop: attacker, host: base64(`${attacker}/admin`), id_token: token }),
      adminDocument("/app/tiers", { shop: attacker, host: base64(`${attacker}/admin`), id_token: "forged" }),
      adminDocument("/app/nope", { shop: attacker, host: base64(`${attacker}/admin`) }),
      rawRequest(`${server.url}/auth/session-token?shop=${attacker}&host=${base64(`${attacker}/admin`)}`),
      rawRequest(`${server.url}/auth/exit-iframe?shop=${attacker}&exitIframe=/app`),
    ]);
    for (const answer of answers) {
      const policy = answer.headers["content-security-policy"];
      expect(policy ?? "").not.toContain(attacker);
      if (policy !== undefined && policy !== `frame-ancestors https://${shop} https://admin.shopify.com;`) {
        expect(policy).toBe("frame-ancestors https://admin.shopify.com;");
      }
    }
    // The library's bounce and exit pages are documents too: they get the admin-only policy.
    expect(answers[3]!.headers["content-security-policy"]).toBe("frame-ancestors https://admin.shopify.com;");
  });
});

describe("the production server's address", () => {
  it("listens on the HOST it is given (127.0.0.1) and on no other local address", async () => {
    const port = new URL(server.url).port;
    expect((await rawRequest(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await expect(rawRequest(`http://127.0.0.2:${port}/healthz`)).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});
