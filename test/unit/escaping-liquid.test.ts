// Text that shoppers and merchants typed, through the theme app extension's
// Liquid: a reward's name (program metafield), the shopper's first name, the
// merchant's launcher label. Each must reach the page escaped exactly once:
// never as markup, never as "&amp;lt;" on screen. The same strings go through
// a real browser in test/browser/escaping.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extensionRenderer, liquidCustomer } from "./support/liquid";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { renderBlock } = extensionRenderer(path.join(root, "extensions/tally-loyalty"));

const HOSTILE = [
  "<script>window.__tallyXss=1</script>",
  '"><img src=x onerror="window.__tallyXss=1">',
  "'><svg onload=window.__tallyXss=1>",
  "</script><script>window.__tallyXss=1</script>",
  "<!--<script>",
  "{{ 7 | times: 6 }} {% raw %}",
  "javascript:window.__tallyXss=1",
  "\u202Egnp.exe\u202C\u0007",
  "O'Brien & Co &amp; &lt;b&gt;",
];

// Shopify's Ruby escapes a quote as &quot;, liquidjs as &#34;: either is one escape.
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#34": '"', "#39": "'" };
const decode = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#34|#39);/g, (_, name: string) => ENTITIES[name]!);

const program = (rewardNames: string[]) => ({
  version: 1,
  currency: "USD",
  earn: { numerator: 1, denominator: 100, rounding: "FLOOR" },
  signupBonus: 100,
  rewards: rewardNames.map((name, i) => ({ name, kind: "AMOUNT_OFF", pointsCost: 100 * (i + 1) })),
});

/**
 * The element's content, found by the markup the extension gives it: it holds no
 * markup of its own, and reads back as exactly `text` (escaped twice, it would read
 * "&lt;"). And the text appears nowhere as itself where escaping would change it.
 */
function expectShownAsText(html: string, open: string, close: string, text: string) {
  const start = html.indexOf(open);
  expect(start, `${open} is rendered`).toBeGreaterThanOrEqual(0);
  const content = html.slice(start + open.length, html.indexOf(close, start + open.length));
  expect(content).not.toMatch(/[<>]/);
  expect(decode(content)).toBe(text);
  if (/[<>"'&]/.test(text)) expect(html).not.toContain(text);
}

describe("shop and shopper text in the storefront Liquid", () => {
  it.each(HOSTILE)("shows a reward named %j to guests as text", async (name) => {
    const html = await renderBlock("app-embed", { program: program([name]) });
    expectShownAsText(html, '<span class="tally-reward__name">', "</span>", name);
  });

  it.each(HOSTILE)("greets a shopper whose first name is %j by that name, as text", async (firstName) => {
    const html = await renderBlock("app-embed", {
      program: program([]),
      customer: liquidCustomer(10, firstName),
    });
    expectShownAsText(html, '<p class="tally-panel__greeting">', "</p>", `Hi ${firstName}`);
  });

  it.each(HOSTILE)("shows the merchant's launcher label %j as text", async (label) => {
    const html = await renderBlock("app-embed", { program: program([]), settings: { label } });
    expectShownAsText(html, '<span class="tally-launcher__label">', "</span>", label);
  });

  it("leaves nothing from the program or the shopper unescaped in the member panel", async () => {
    const html = await renderBlock("app-embed", {
      program: program(HOSTILE),
      customer: liquidCustomer(10, HOSTILE.join(" ")),
    });
    expectShownAsText(html, '<p class="tally-panel__greeting">', "</p>", `Hi ${HOSTILE.join(" ")}`);
    // Liquid in a value is not run: 7 times 6 never becomes 42.
    expect(html).not.toContain("42");
  });

  // Inside <script>, only `json` keeps a value from closing the element, and
  // Shopify's encodes <, > and & for that (shopify.dev, "Escape every value for
  // its context"); the preview's filter does the same. Today only prices and
  // Tally's own words go into a script: a new value there needs that review.
  it("puts only prices and Tally's own translated text inside <script>, through json", () => {
    const dir = path.join(root, "extensions/tally-loyalty");
    const inScripts = ["blocks", "snippets"].flatMap((folder) =>
      readdirSync(path.join(dir, folder)).flatMap((file) => {
        const source = readFileSync(path.join(dir, folder, file), "utf8");
        return [...source.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].flatMap(([, body]) =>
          [...body!.matchAll(/\{\{-?\s*([^}]*?)\s*-?\}\}/g)].map(([, output]) => `${file}: ${output}`),
        );
      }),
    );
    expect(inScripts).toEqual([
      "points-on-product.liquid: variant.id",
      "points-on-product.liquid: variant.price | json",
      "points-on-product.liquid: price",
      "points-on-product.liquid: text | json",
    ]);
  });
});
