import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { pgPool, prisma } from "~/db.server";
import { PrismaSessionStorage } from "~/models/session.server";
import { markUninstalled } from "~/models/install.server";
import * as proxyCustomer from "~/routes/proxy.customer";
import * as proxyRedeem from "~/routes/proxy.redeem";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { callRoute } from "#test/support/routes";
import { installedShop, uniqueShop } from "#test/support/shops";

const secret = () => process.env.SHOPIFY_API_SECRET!;

function proxyRequest(
  shop: string,
  loggedInCustomerId: string,
  options: { secret?: string; timestamp?: number } = {},
) {
  const url = signAppProxyUrl({
    secret: options.secret ?? secret(),
    shop,
    url: "https://tally.test/proxy/customer",
    loggedInCustomerId,
    timestamp: options.timestamp,
  });
  return new Request(url);
}

async function memberWithPoints(shop: string, customerId: string, points: number) {
  await prisma.member.create({
    data: { shop, customerGid: `gid://shopify/Customer/${customerId}`, points },
  });
}

describe("app proxy GET /apps/tally/customer", () => {
  it("answers a logged-in member with their available points, never cached", async () => {
    const shop = await installedShop();
    await memberWithPoints(shop, "9007199254740993", 250);

    const response = await callRoute(proxyCustomer.loader, proxyRequest(shop, "9007199254740993"));

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await response.json()).toMatchObject({ loggedIn: true, points: 250, pendingPoints: 0 });
  });

  it("answers a guest with loggedIn false", async () => {
    const shop = await installedShop();

    const response = await callRoute(proxyCustomer.loader, proxyRequest(shop, ""));

    expect(await response.json()).toEqual({ loggedIn: false });
  });

  it("answers a logged-in customer who has not earned yet with zero points", async () => {
    const shop = await installedShop();

    const response = await callRoute(proxyCustomer.loader, proxyRequest(shop, "123"));

    expect(await response.json()).toMatchObject({ loggedIn: true, points: 0, pendingPoints: 0 });
  });

  it("rejects a bad signature before any database work", async () => {
    const shop = await installedShop();
    await memberWithPoints(shop, "77", 500);
    // The answer reads through the shared pool; redeeming loads the session first.
    const query = vi.spyOn(pgPool, "query");
    const loadSession = vi.spyOn(PrismaSessionStorage.prototype, "loadSession");
    const forged = () => proxyRequest(shop, "77", { secret: "wrong" });

    const read = await callRoute(proxyCustomer.loader, forged());
    const redeem = await callRoute(proxyRedeem.action, new Request(forged().url, { method: "POST" }));

    expect([read.status, redeem.status]).toEqual([401, 401]);
    expect(await read.json()).toMatchObject({ error: "bad_signature" });
    expect(await redeem.json()).toMatchObject({ error: "bad_signature" });
    expect(query).not.toHaveBeenCalled();
    expect(loadSession).not.toHaveBeenCalled();
    query.mockRestore();
    loadSession.mockRestore();
  });

  it("tells the operator, at most once a minute, that signatures are being refused", async () => {
    const shop = await installedShop();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // Far enough from any earlier test's report that this one is due.
    vi.useFakeTimers({ now: Date.now() + 10 * 60_000, toFake: ["Date"] });
    try {
      for (let i = 0; i < 3; i++)
        await callRoute(proxyCustomer.loader, proxyRequest(shop, "1", { secret: "x" }));
      expect(warn).toHaveBeenCalledTimes(1);
      vi.setSystemTime(Date.now() + 61_000);
      await callRoute(proxyCustomer.loader, proxyRequest(shop, "1", { secret: "x" }));
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[1]![0])).toMatch(/wrong_signature: 3/);
    } finally {
      vi.useRealTimers();
      warn.mockRestore();
    }
  });

  it("rejects a request whose signed parameters were changed", async () => {
    const shop = await installedShop();
    const url = new URL(proxyRequest(shop, "77").url);
    url.searchParams.set("logged_in_customer_id", "78");

    const response = await callRoute(proxyCustomer.loader, new Request(url));

    expect(response.status).toBe(401);
  });

  it("rejects a correctly signed but stale request", async () => {
    const shop = await installedShop();
    const fiveMinutesAgo = Math.trunc(Date.now() / 1000) - 300;

    const response = await callRoute(
      proxyCustomer.loader,
      proxyRequest(shop, "77", { timestamp: fiveMinutesAgo }),
    );

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "bad_signature" });
  });

  it("never lets one shop read another shop's member", async () => {
    const shopA = await installedShop({ label: "alpha" });
    const shopB = await installedShop({ label: "beta" });
    await memberWithPoints(shopA, "555", 900);

    const response = await callRoute(proxyCustomer.loader, proxyRequest(shopB, "555"));

    expect(await response.json()).toMatchObject({ loggedIn: true, points: 0, pendingPoints: 0 });
  });

  it("answers 404 for a shop that has not installed Tally", async () => {
    const response = await callRoute(proxyCustomer.loader, proxyRequest(uniqueShop(), "1"));

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "shop_not_installed" });
  });
});

describe("who may be answered", () => {
  it("a member's answer takes one statement, the shop's side being kept for a few seconds", async () => {
    const shop = await installedShop();
    await memberWithPoints(shop, "77", 10);
    await callRoute(proxyCustomer.loader, proxyRequest(shop, "77"));
    const query = vi.spyOn(pgPool, "query");

    await callRoute(proxyCustomer.loader, proxyRequest(shop, "77"));

    expect(query).toHaveBeenCalledTimes(1);
    query.mockRestore();
  });

  it("redeeming needs the shop's offline session", async () => {
    const url = signAppProxyUrl({
      secret: secret(),
      shop: uniqueShop(),
      url: "https://tally.test/proxy/redeem",
      loggedInCustomerId: "1",
    });

    const response = await callRoute(
      proxyRedeem.action,
      new Request(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: randomUUID(), idempotencyKey: "key-0001" }),
      }),
    );

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "shop_not_installed" });
  });
});

describe("the cached shop side", () => {
  it("stops answering for a shop as soon as this process handles its uninstall", async () => {
    const shop = await installedShop();
    await callRoute(proxyCustomer.loader, proxyRequest(shop, "1"));

    await markUninstalled(shop);
    const response = await callRoute(proxyCustomer.loader, proxyRequest(shop, "1"));

    expect(response.status).toBe(404);
  });
});
