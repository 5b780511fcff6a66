import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { newPage, signIn, storefrontDuringFile } from "./support/stack";

const stack = storefrontDuringFile();

const VIEWPORTS = {
  phone: { width: 412, height: 823 },
  desktop: { width: 1280, height: 800 },
};

interface Shift {
  value: number;
  hadRecentInput: boolean;
  sources: string[];
}

/** Every layout shift since the page started loading (the observer's buffer holds them all). */
function layoutShifts(page: Page): Promise<Shift[]> {
  return page.evaluate(async () => {
    const shifts: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => shifts.push(...list.getEntries()));
    observer.observe({ type: "layout-shift", buffered: true });
    shifts.push(...observer.takeRecords());
    // Entries still on their way to the callback.
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    type LayoutShift = PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
      sources?: { node?: Element | null }[];
    };
    return (shifts as LayoutShift[]).map((shift) => ({
      value: shift.value,
      hadRecentInput: shift.hadRecentInput,
      sources: (shift.sources ?? []).map((source) =>
        source.node ? `${source.node.nodeName.toLowerCase()}.${source.node.className}` : "?",
      ),
    }));
  });
}

describe("the Tally widgets move nothing on the page", () => {
  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    it(`for a guest (${device})`, async () => {
      const page = await newPage(stack(), { viewport });
      for (const path of ["/", "/products/trail-jacket"]) {
        await page.goto(path, { waitUntil: "networkidle" });
        await page.locator("tally-panel [data-tally-launcher]").waitFor();
        expect(await layoutShifts(page), path).toEqual([]);
      }
    });

    for (const [who, name] of [
      ["a member whose first paint is the synced balance", "Katherine"],
      ["a member with nothing to paint before the app answers", "Dorothy"],
    ]) {
      it(`for ${who} (${device})`, async () => {
        const s = stack();
        const member = s.seeded.members.find((m) => m.firstName === name)!;
        const formatted = member.points.toLocaleString("en");
        const page = await newPage(s, { viewport });
        await signIn(page, member.id);
        for (const path of ["/", "/products/trail-jacket"]) {
          await page.goto(path, { waitUntil: "networkidle" });
          // Filled in: the (closed) panel holds the app's answer, formatted (the metafield's
          // first paint is not), and on home the balance block shows it too.
          await page
            .locator("[data-tally-panel] [data-tally-points]", { hasText: formatted })
            .waitFor({ state: "attached" });
          if (path === "/") {
            await page.locator("[data-tally-balance] [data-tally-points]", { hasText: formatted }).waitFor();
          }
          expect(await layoutShifts(page), path).toEqual([]);
        }
      });
    }
  }

  it("(control) the measurement sees a shift when content is pushed down after load", async () => {
    const page = await newPage(stack(), { viewport: VIEWPORTS.phone });
    await page.goto("/", { waitUntil: "networkidle" });
    await page.evaluate(() => {
      const banner = document.createElement("div");
      banner.style.height = "200px";
      document.querySelector("main")!.prepend(banner);
    });
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const shifts = await layoutShifts(page);
    expect(shifts.reduce((sum, shift) => sum + shift.value, 0)).toBeGreaterThan(0);
  });
});
