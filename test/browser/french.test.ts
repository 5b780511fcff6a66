import { describe, expect, it } from "vitest";
import { newPage, recordProxyRequests, signIn, storefrontDuringFile } from "./support/stack";

const stack = storefrontDuringFile();

describe("the storefront in French (/fr)", () => {
  it("shows a guest the widgets in French", async () => {
    const page = await newPage(stack());
    await page.goto("/fr/products/canvas-tote", { waitUntil: "networkidle" });

    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    expect(await page.locator("[data-tally-product-points-text]").textContent()).toBe(
      "Gagnez 24 points avec cet achat",
    );
    await page.locator("[data-tally-launcher]").click();
    expect(await page.locator("#tally-panel-title").textContent()).toBe("Récompenses");
    expect(await page.locator("[data-tally-panel] [data-tally-join]").textContent()).toBe("S'inscrire");
    expect(await page.locator("[data-tally-panel] [data-tally-join]").getAttribute("href")).toBe(
      "/fr/account/register",
    );
  });

  it("shows a member French text and numbers, through the app proxy under /fr", async () => {
    const s = stack();
    const ada = s.seeded.members.find((m) => m.firstName === "Ada")!;
    const page = await newPage(s);
    await signIn(page, ada.id, "/fr");
    const proxied = recordProxyRequests(page);

    await page.goto("/fr/", { waitUntil: "networkidle" });
    expect(proxied).toEqual(["GET /fr/apps/tally/customer"]);
    expect(await page.locator("[data-tally-balance] .tally-balance__label").textContent()).toBe(
      "Vos points :",
    );
    // 1 200: French groups digits with a narrow no-break space.
    await expect
      .poll(() => page.locator("[data-tally-balance] [data-tally-points]").textContent())
      .toMatch(/^1\s200$/);

    await page.locator("[data-tally-launcher]").click();
    const reward = page.locator("[data-tally-reward]", { hasText: "$5 off" });
    await reward.waitFor();
    expect(await reward.locator("[data-tally-redeem]").textContent()).toBe("Échanger");
    expect(await reward.locator(".tally-reward__cost").innerText()).toBe("500 points");
    expect(await page.locator(".tally-panel__greeting").textContent()).toBe("Bonjour Ada");
  });
});
