import { describe, expect, it } from "vitest";
import { CUSTOMER_COOKIE } from "#test/mocks/storefront/server";
import { newPage, recordProxyRequests, storefrontDuringFile } from "./support/stack";

const stack = storefrontDuringFile();

describe("a guest on the storefront", () => {
  it("sees the points a product earns and the invitation to join, and the app hears nothing", async () => {
    const page = await newPage(stack());
    const proxied = recordProxyRequests(page);

    await page.goto("/products/canvas-tote", { waitUntil: "networkidle" });
    // $24.00 at 1 point per dollar.
    await expect(page.locator("[data-tally-product-points-text]").textContent()).resolves.toBe(
      "Earn 24 points with this purchase",
    );
    // The points follow the variant picker ($28.50, rounded down).
    await page.locator('form[action="/cart/add"] select[name="id"]').selectOption("46102");
    await page.locator("[data-tally-product-points-text]", { hasText: "Earn 28 points" }).waitFor();

    await page.locator("[data-tally-launcher]").click();
    const join = page.locator("[data-tally-panel] [data-tally-join]");
    await join.waitFor({ state: "visible" });
    expect(await join.textContent()).toBe("Join now");
    expect(await join.getAttribute("href")).toBe("/account/register");
    expect(await page.locator("[data-tally-guest-rewards]").innerText()).toContain("$5 off");

    await page.goto("/", { waitUntil: "networkidle" });
    expect(await page.locator("[data-tally-balance] [data-tally-guest]").innerText()).toMatch(/sign in/i);

    expect(proxied).toEqual([]);
  });

  it("cannot pass as a member by naming one to the app proxy", async () => {
    const s = stack();
    const ada = s.seeded.members.find((m) => m.firstName === "Ada")!;
    const named = `${s.preview.url}/apps/tally/customer?logged_in_customer_id=${ada.id}`;

    expect(await (await fetch(named)).json()).toEqual({ loggedIn: false });
    // Signed in to the storefront, the same request is Ada's.
    const signedIn = await fetch(named, { headers: { Cookie: `${CUSTOMER_COOKIE}=${ada.id}` } });
    expect(await signedIn.json()).toMatchObject({ loggedIn: true, points: ada.points });
  });
});
