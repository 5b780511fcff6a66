// The storefront widgets (extensions/tally-loyalty): Shopify's own Theme Check,
// the size limits Shopify enforces, translations, what each block renders and
// how the scripts talk to the app proxy. Contract: docs/storefront.md.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { themeCheckRun } from "@shopify/theme-check-node";
import { describe, expect, it } from "vitest";
import {
  BUDGETS,
  blockSchema,
  extensionFiles,
  measureExtension,
  referencedAssets,
} from "../../scripts/extension-weight";
import { extensionRenderer, liquidCustomer, liquidProduct, readLocale, type Locale } from "./support/liquid";
import { fakeNode, scriptSandbox, type FakeNode } from "./support/script-sandbox";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = path.join(root, "extensions/tally-loyalty");
const asset = (name: string) => path.join(dir, "assets", name);
const { renderBlock } = extensionRenderer(dir);
const locales: Locale[] = ["en", "fr", "de"];

function program(earn: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    currency: "USD",
    earn: { numerator: 1, denominator: 100, rounding: "FLOOR", ...earn },
    signupBonus: 100,
    rewards: [
      { name: "$5 off your order", kind: "AMOUNT_OFF", pointsCost: 500 },
      { name: "Free shipping", kind: "FREE_SHIPPING", pointsCost: 800 },
    ],
    ...extra,
  };
}

/** What a shopper reads: tags and templates gone, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<template[\s\S]*?<\/template>|<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The data-* attributes of the first <tag …> in `html`, as element.dataset has them. */
function datasetOf(html: string, tag: string): Record<string, string> {
  const open = new RegExp(`<${tag}\\b[^>]*>`).exec(html)?.[0];
  if (!open) throw new Error(`no <${tag}> rendered`);
  const dataset: Record<string, string> = {};
  for (const [, name = "", value = ""] of open.matchAll(/\sdata-([a-z-]+)(?:="([^"]*)")?/g)) {
    dataset[name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value;
  }
  return dataset;
}

async function productPoints(price: number, rounding: string): Promise<string> {
  const html = await renderBlock("points-on-product", {
    program: program({ rounding }),
    product: liquidProduct([price]),
  });
  return /data-tally-product-points-text>([^<]*)</.exec(html)?.[1]?.trim() ?? "";
}

function flatKeys(tree: unknown, prefix = ""): string[] {
  if (typeof tree !== "object" || tree === null) return [prefix];
  const entries = Object.entries(tree);
  if (entries.every(([key]) => ["zero", "one", "other"].includes(key))) return [prefix];
  return entries.flatMap(([key, value]) => flatKeys(value, prefix ? `${prefix}.${key}` : key));
}

function lookup(tree: unknown, key: string): unknown {
  return key
    .split(".")
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
}

const liquidSources = () =>
  extensionFiles(dir)
    .filter((file) => file.endsWith(".liquid"))
    .map((file) => readFileSync(path.join(dir, file), "utf8"));

/** Keys the storefront translates: every 'tally.…' literal in Liquid. */
const storefrontKeys = () =>
  new Set(
    liquidSources().flatMap((source) =>
      [...source.matchAll(/'(tally\.[a-z0-9_.]+)'/g)].map((m) => m[1] ?? ""),
    ),
  );

/** Keys the theme editor translates: every "t:…" in block schemas. */
const schemaKeys = () =>
  new Set(
    liquidSources().flatMap((source) =>
      [...source.matchAll(/"t:([a-z0-9_.]+)"/g)].map((match) => match[1] ?? ""),
    ),
  );

describe("Shopify's rules for theme app extensions", () => {
  it("passes Shopify's Theme Check with no offenses", { timeout: 60_000 }, async () => {
    const { offenses } = await themeCheckRun(dir, "theme-check:theme-app-extension", () => {});
    const report = offenses.map(
      (offense) =>
        `${offense.check} ${path.relative(dir, fileURLToPath(offense.uri))}:${offense.start.line + 1} ${offense.message}`,
    );
    expect(report, report.join("\n")).toEqual([]);
  });

  it("keeps Shopify's layout: assets, blocks, locales and snippets, one level deep", () => {
    const allowed: Record<string, RegExp> = {
      assets: /\.(jpe?g|json|js|css|png|svg|wasm)$/,
      blocks: /\.liquid$/,
      locales: /\.json$/,
      snippets: /\.liquid$/,
    };
    expect(readdirSync(dir).sort()).toEqual([...Object.keys(allowed), "shopify.extension.toml"].sort());
    for (const file of extensionFiles(dir)) {
      const [folder = ""] = file.split("/");
      expect(statSync(path.join(dir, file)).isFile(), `${file} is a file`).toBe(true);
      expect(file, `${file} has an extension Shopify accepts in ${folder}/`).toMatch(allowed[folder] ?? /^$/);
    }
    const toml = readFileSync(path.join(dir, "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(/^name = "tally-loyalty"$/m);
    expect(toml).toMatch(/^type = "theme"$/m);
  });

  it("stays within the JavaScript, CSS, Liquid and locale size budgets", () => {
    const weight = measureExtension(dir);
    expect(weight.jsGzipBytes).toBeGreaterThan(0);
    expect(weight.jsGzipBytes).toBeLessThanOrEqual(BUDGETS.jsGzipBytes);
    expect(weight.cssGzipBytes).toBeGreaterThan(0);
    expect(weight.cssGzipBytes).toBeLessThanOrEqual(BUDGETS.cssGzipBytes);
    expect(weight.liquidBytes).toBeLessThanOrEqual(BUDGETS.liquidBytes);
    for (const file of weight.files.filter((f) => f.path.startsWith("locales/"))) {
      expect(file.bytes, file.path).toBeLessThanOrEqual(BUDGETS.localeFileBytes);
    }
  });

  it("loads every asset through a block schema, and every schema's asset exists", () => {
    const assets = extensionFiles(dir).filter((file) => file.startsWith("assets/"));
    expect([...referencedAssets(dir)].sort()).toEqual(assets);
  });

  it("writes locale files as strict JSON: no comments, no trailing commas", () => {
    for (const file of extensionFiles(dir).filter((name) => name.startsWith("locales/"))) {
      const text = readFileSync(path.join(dir, file), "utf8");
      expect(() => JSON.parse(text), file).not.toThrow();
      expect(text.charCodeAt(0), `${file} starts without a byte-order mark`).not.toBe(0xfeff);
    }
  });

  it("has every translation it uses in English, French and German", () => {
    const missing: string[] = [];
    for (const locale of locales) {
      const storefront = readLocale(dir, locale);
      const schema = readLocale(dir, locale, "schema");
      for (const key of storefrontKeys()) {
        const found = lookup(storefront, key);
        if (
          typeof found !== "string" &&
          !(typeof found === "object" && found && "one" in found && "other" in found)
        ) {
          missing.push(`${locale}: ${key}`);
        }
      }
      for (const key of schemaKeys()) {
        if (typeof lookup(schema, key) !== "string") missing.push(`${locale} schema: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("has the same keys in every language, and none that nothing uses", () => {
    for (const kind of ["storefront", "schema"] as const) {
      const english = flatKeys(readLocale(dir, "en", kind)).sort();
      for (const locale of locales)
        expect(flatKeys(readLocale(dir, locale, kind)).sort(), locale).toEqual(english);
      const used = kind === "storefront" ? storefrontKeys() : schemaKeys();
      expect(english.filter((key) => !used.has(key))).toEqual([]);
    }
  });

  it("names every block and setting through translations", () => {
    for (const file of extensionFiles(dir).filter((name) => name.startsWith("blocks/"))) {
      const schema = blockSchema(readFileSync(path.join(dir, file), "utf8"));
      const labels = JSON.stringify(schema).match(/"(name|label|info)":"[^"]*"/g) ?? [];
      expect(
        labels.filter((label) => !label.includes('"t:')),
        file,
      ).toEqual([]);
    }
  });
});

describe("Points on product", () => {
  it.each([
    ["FLOOR", "Earn 19 points with this purchase"],
    ["HALF_UP", "Earn 20 points with this purchase"],
    ["CEIL", "Earn 20 points with this purchase"],
  ])("rounds 19.99 at 1 point per 1.00 as %s says", async (rounding, text) => {
    expect(await productPoints(1999, rounding)).toBe(text);
  });

  it("rounds half up only from the half", async () => {
    expect(await productPoints(1949, "HALF_UP")).toBe("Earn 19 points with this purchase");
    expect(await productPoints(1950, "HALF_UP")).toBe("Earn 20 points with this purchase");
    expect(await productPoints(1900, "CEIL")).toBe("Earn 19 points with this purchase");
  });

  it("says 'point' for a single point", async () => {
    expect(await productPoints(100, "FLOOR")).toBe("Earn 1 point with this purchase");
  });

  it("promises nothing for a price that earns nothing", async () => {
    expect(await productPoints(0, "FLOOR")).toBe("");
  });

  it("shows the selected variant's points and carries every variant's text for the script", async () => {
    const html = await renderBlock("points-on-product", {
      program: program(),
      product: liquidProduct([1999, 2500, 1999], 1),
    });
    expect(visibleText(html)).toBe("Earn 25 points with this purchase");
    const map = JSON.parse(/data-tally-variants>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "");
    expect(map).toEqual({
      variants: { "4100": 1999, "4101": 2500, "4102": 1999 },
      texts: { "1999": "Earn 19 points with this purchase", "2500": "Earn 25 points with this purchase" },
    });
  });

  it("renders nothing when the shop has not saved its program yet", async () => {
    const html = await renderBlock("points-on-product", { product: liquidProduct([1999]) });
    expect(html.trim()).toBe("");
  });

  it("speaks French to French shoppers", async () => {
    const html = await renderBlock("points-on-product", {
      locale: "fr",
      program: program(),
      product: liquidProduct([1999]),
    });
    expect(visibleText(html)).toBe("Gagnez 19 points avec cet achat");
  });
});

describe("Rewards launcher (app embed)", () => {
  it("shows guests how the program works and a way in, without a route to the app", async () => {
    const html = await renderBlock("app-embed", { program: program() });
    const text = visibleText(html);
    expect(text).toContain("Earn 1 point for every 1 USD you spend");
    expect(text).toContain("Get 100 points when you join");
    expect(text).toContain("$5 off your order 500 points");
    expect(text).toContain("Free shipping 800 points");
    expect(html).toMatch(/<a [^>]*href="\/account\/register"[^>]*data-tally-join>Join now<\/a>/);
    expect(html).toMatch(/<a [^>]*href="\/account\/login"[^>]*data-tally-sign-in>Sign in<\/a>/);
    expect(html).not.toContain("apps/tally");
    expect(datasetOf(html, "tally-panel")).toEqual({ loggedIn: "false" });
  });

  it("states the earn rate in whole currency units, in lowest terms", async () => {
    const rate = async (numerator: number, denominator: number) =>
      visibleText(await renderBlock("app-embed", { program: program({ numerator, denominator }) }));
    expect(await rate(1, 1000)).toContain("Earn 1 point for every 10 USD you spend");
    expect(await rate(3, 200)).toContain("Earn 3 points for every 2 USD you spend");
    expect(await rate(5, 100)).toContain("Earn 5 points for every 1 USD you spend");
  });

  it("leaves out the signup bonus when there is none", async () => {
    const html = await renderBlock("app-embed", { program: program({}, { signupBonus: 0 }) });
    expect(html).not.toContain("data-tally-signup-bonus");
  });

  it("gives members the app proxy path, joined to the locale's root without a double slash", async () => {
    for (const [rootUrl, proxy] of [
      ["/", "/apps/tally"],
      ["/fr", "/fr/apps/tally"],
      ["/fr/", "/fr/apps/tally"],
    ]) {
      const html = await renderBlock("app-embed", {
        program: program(),
        customer: liquidCustomer(620),
        rootUrl,
      });
      expect(datasetOf(html, "tally-panel")).toEqual({ loggedIn: "true", tallyProxy: proxy });
    }
  });

  it("paints a member's stored balance before the app answers", async () => {
    const html = await renderBlock("app-embed", { program: program(), customer: liquidCustomer(620) });
    expect(html).toMatch(/<dd class="tally-num" data-tally-points>620<\/dd>/);
    expect(visibleText(html)).toContain("Hi Ada");
    const without = await renderBlock("app-embed", { program: program(), customer: liquidCustomer() });
    expect(without).toMatch(/<dd class="tally-num" data-tally-points><\/dd>/);
    // Nothing on the launcher that could grow when the app answers.
    expect(/<button[^>]*data-tally-launcher[\s\S]*?<\/button>/.exec(html)?.[0]).not.toContain(
      "data-tally-points",
    );
  });

  it("carries a translated message for every error code the proxy documents", async () => {
    const docs = readFileSync(path.join(root, "docs/storefront.md"), "utf8");
    const codes = [...docs.matchAll(/^\|\s*\d{3}\s*\|\s*`([a-z_]+)`/gm)].map((match) => match[1]);
    expect(codes.length).toBeGreaterThanOrEqual(11);
    for (const locale of locales) {
      const html = await renderBlock("app-embed", {
        locale,
        program: program(),
        customer: liquidCustomer(620),
      });
      const strings = /<template data-tally-strings>([\s\S]*?)<\/template>/.exec(html)?.[1] ?? "";
      for (const code of [...codes, "offline", "default"]) {
        const message = new RegExp(`data-key="${code}">([^<]+)<`).exec(strings)?.[1] ?? "";
        expect(message.trim().length, `${locale}: ${code}`).toBeGreaterThan(10);
        expect(message, `${locale}: ${code}`).not.toContain("Translation missing");
      }
    }
  });

  it("renders an accessible launcher and a hidden dialog with a close button", async () => {
    const html = await renderBlock("app-embed", { program: program() });
    expect(html).toMatch(
      /<button\s+type="button"\s+id="tally-launcher"[^>]*aria-expanded="false"\s+aria-controls="tally-panel"[^>]*data-tally-launcher/,
    );
    expect(html).toMatch(
      /<section\s+id="tally-panel"[^>]*role="dialog"[^>]*aria-labelledby="tally-panel-title"[^>]*hidden/,
    );
    expect(html).toMatch(/<button[^>]*aria-label="Close"[^>]*data-tally-close/);
  });

  it("applies the merchant's colours, position and label, with defaults that render", async () => {
    const byDefault = await renderBlock("app-embed", { program: program() });
    expect(byDefault).toContain("tally-embed--right");
    expect(byDefault).toContain("--tally-accent: #1f1f1f; --tally-accent-text: #ffffff;");
    expect(byDefault).toMatch(/tally-launcher__label">Rewards</);
    const custom = await renderBlock("app-embed", {
      program: program(),
      settings: { position: "left", accent: "#0a7d4f", label: "Perks & points" },
    });
    expect(custom).toContain("tally-embed--left");
    expect(custom).toContain("--tally-accent: #0a7d4f;");
    expect(custom).toMatch(/tally-launcher__label">Perks &amp; points</);
  });

  it("renders nothing when the shop has not saved its program yet", async () => {
    expect((await renderBlock("app-embed", {})).trim()).toBe("");
  });

  it("speaks French and German to those shoppers", async () => {
    const french = visibleText(await renderBlock("app-embed", { locale: "fr", program: program() }));
    expect(french).toContain("Comment ça marche");
    expect(french).toContain("Gagnez 1 point pour chaque tranche de 1 USD dépensée");
    expect(french).toContain("S'inscrire");
    const german = visibleText(await renderBlock("app-embed", { locale: "de", program: program() }));
    expect(german).toContain("Sammle 1 Punkt für je 1 USD Einkaufswert");
    expect(german).toContain("$5 off your order 500 Punkte");
  });
});

describe("Points balance", () => {
  it("invites guests to sign in or join, without a route to the app", async () => {
    const html = await renderBlock("points-balance", { program: program() });
    expect(visibleText(html)).toBe("Sign in or join to earn points on every order.");
    expect(html).toContain('href="/account/login"');
    expect(html).not.toContain("apps/tally");
  });

  it("paints a member's stored balance and keeps a place for pending points", async () => {
    const html = await renderBlock("points-balance", { program: program(), customer: liquidCustomer(1250) });
    expect(visibleText(html)).toMatch(/^Your points: 1250\b/);
    expect(html).toMatch(
      /<span class="tally-balance__pending" data-tally-pending-row hidden>\(\+<span data-tally-pending><\/span> pending\)<\/span>/,
    );
    expect(datasetOf(html, "tally-balance")).toMatchObject({ loggedIn: "true", tallyProxy: "/apps/tally" });
    const quiet = await renderBlock("points-balance", {
      program: program(),
      customer: liquidCustomer(1250),
      settings: { show_pending: false },
    });
    expect(quiet).not.toContain("data-tally-pending");
  });
});

describe("storefront scripts", () => {
  const scripts = ["tally-panel.js", "tally-balance.js", "tally-product-points.js"];

  it("each defines its element on its own, and all share one page without clashing", () => {
    const names = ["tally-panel", "tally-balance", "tally-product-points"];
    scripts.forEach((file, index) => {
      const page = scriptSandbox();
      page.load(asset(file));
      expect([...page.defined.keys()]).toEqual([names[index]]);
    });
    const page = scriptSandbox();
    for (const file of [...scripts, ...scripts]) page.load(asset(file));
    expect([...page.defined.keys()].sort()).toEqual([...names].sort());
  });

  it("asks the app once per page for a member, however many Tally elements show", async () => {
    const customer = liquidCustomer(620);
    const embed = await renderBlock("app-embed", { program: program(), customer });
    const balance = await renderBlock("points-balance", { program: program(), customer });
    const page = scriptSandbox();
    for (const file of scripts) page.load(asset(file));
    page.connect("tally-panel", datasetOf(embed, "tally-panel"));
    page.connect("tally-balance", datasetOf(balance, "tally-balance"));
    page.connect("tally-balance", datasetOf(balance, "tally-balance"));
    expect(page.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /apps/tally/customer",
    ]);
  });

  it("asks the app nothing for a guest", async () => {
    const embed = await renderBlock("app-embed", { program: program() });
    const balance = await renderBlock("points-balance", { program: program() });
    const page = scriptSandbox();
    for (const file of scripts) page.load(asset(file));
    page.connect("tally-panel", datasetOf(embed, "tally-panel"));
    page.connect("tally-balance", datasetOf(balance, "tally-balance"));
    expect(page.requests).toEqual([]);
  });

  it("follows the variant the shopper picks, without asking the app", async () => {
    const html = await renderBlock("points-on-product", {
      program: program(),
      product: liquidProduct([1999, 2500]),
    });
    const map = /data-tally-variants>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const text = fakeNode({ textContent: "Earn 19 points with this purchase" });
    const page = scriptSandbox({ search: "?variant=4100" });
    page.load(asset("tally-product-points.js"));
    page.connect("tally-product-points", datasetOf(html, "tally-product-points"), {
      "[data-tally-variants]": fakeNode({ textContent: map }),
      "[data-tally-product-points-text]": text,
    });
    const variantInput = (value: string) => ({
      target: { value, matches: (s: string) => s.includes('[name="id"]') },
    });
    page.dispatch("change", variantInput("4101"));
    expect(text.textContent).toBe("Earn 25 points with this purchase");
    page.dispatch("change", variantInput(""));
    expect(text.textContent).toBe("Earn 19 points with this purchase");
    expect(page.requests).toEqual([]);
  });

  it("redeems once per intent: JSON body, button disabled meanwhile, key kept only while the outcome is unknown", async () => {
    const success = {
      status: 200,
      body: { redemption: { code: "TALLY-7K3M-Q9XP", rewardId: "r-5off" }, points: 120 },
    };
    const page = scriptSandbox({
      answers: [
        "pending", // GET /customer
        "no answer",
        { status: 409, body: { error: "redemption_in_progress" } },
        success,
        { status: 409, body: { error: "insufficient_points" } },
      ],
    });
    page.load(asset("tally-panel.js"));
    const panel = page.connect("tally-panel", { loggedIn: "true", tallyProxy: "/apps/tally" });
    const shown: string[] = [];
    Object.assign(panel, {
      say: (key?: string) => key && shown.push(key),
      afford: () => {},
      redeemed: () => shown.push("redeemed"),
    });
    const redeem = panel.redeem as (button: FakeNode) => Promise<void>;
    const item = fakeNode({ dataset: { tallyReward: "r-5off" } });
    const button = fakeNode({ closest: () => item });

    for (let attempt = 0; attempt < 4; attempt += 1) {
      const running = redeem.call(panel, button);
      expect(button.disabled).toBe(true);
      expect(button.attributes["aria-busy"]).toBe("true");
      await running;
    }

    const posts = page.requests.slice(1);
    for (const post of posts) {
      expect(post).toMatchObject({
        method: "POST",
        url: "/apps/tally/redeem",
        headers: { "Content-Type": "application/json" },
        body: { rewardId: "r-5off" },
      });
    }
    const keys = posts.map((post) => (post.body as { idempotencyKey: string }).idempotencyKey);
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{8,100}$/);
    expect(keys[1]).toBe(keys[0]); // no answer: retried with the same key
    expect(keys[2]).toBe(keys[0]); // still in progress: same key again
    expect(keys[3]).not.toBe(keys[0]); // that intent redeemed; this is a new one
    expect(shown).toEqual([
      "redeeming",
      "offline",
      "redeeming",
      "redemption_in_progress",
      "redeeming",
      "redeemed",
      "redeeming",
      "insufficient_points",
    ]);
  });
});
