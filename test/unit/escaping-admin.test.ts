// The admin's components with merchant-typed text that would run if it were
// ever inserted as markup: tier names, perks, the tag prefix. The pages as the
// server renders them are checked in Chromium (test/browser/escaping.test.ts);
// this covers what only appears after the merchant acts, such as the preview
// card, and every field of the tier form, straight from react-dom/server.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TierPreviewCard } from "~/components/tier-preview-card";
import { TierProgramFields } from "~/components/tier-program-fields";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const HOSTILE = [
  "<script>window.__tallyXss=1</script>",
  '"><img src=x onerror="window.__tallyXss=1">',
  "</textarea><svg onload=alert(1)>",
  "{{ constructor.constructor('alert(1)')() }}",
  "javascript:alert(1)",
  "\u202Egnp.exe\u202C\u0000\u0007",
];

const render = (element: ReactElement) =>
  renderToStaticMarkup(createElement(AppProvider, { i18n: en }, element));

// React escapes a quote as &quot; and an apostrophe as &#x27;.
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'" };
const decode = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#x27);/g, (_, name: string) => ENTITIES[name]!);

/** The markup as tags and attribute names, values left out: what the text must not change. */
const structure = (html: string) =>
  [...html.matchAll(/<(\/?[a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*\/?>/g)].map(
    ([, tag, attributes]) =>
      `${tag}${[...attributes!.matchAll(/\s+([\w:-]+)(?:="[^"]*")?/g)].map(([, name]) => ` ${name}`).join("")}`,
  );

/** Rendered with `text` and with plain text, the markup is the same: the text added no tag or attribute. */
function expectNoMarkupFrom(renderWith: (text: string) => string, text: string) {
  const html = renderWith(text);
  expect(structure(html)).toEqual(structure(renderWith("Plain words")));
  expect(html).not.toMatch(/<(script|img)\b/i);
  return decode(html);
}

describe("merchant text in the admin's components", () => {
  it.each(HOSTILE)("the preview card shows a tier named %j as text", (name) => {
    const card = (text: string) =>
      render(
        createElement(TierPreviewCard, {
          preview: [
            { tierId: null, name: "no tier", up: 0, down: 1, stay: 0 },
            { tierId: "t1", name: text, up: 1, down: 0, stay: 2 },
          ],
          graceDays: 14,
        }),
      );
    expect(expectNoMarkupFrom(card, name)).toContain(`>${name}<`);
  });

  it.each(HOSTILE)("the tier form keeps a tier name, perks and tag prefix %j as field values", (hostile) => {
    const form = (text: string) =>
      render(
        createElement(TierProgramFields, {
          values: {
            metric: "POINTS_EARNED",
            window: "LIFETIME",
            graceDays: "0",
            tagPrefix: text,
            tiers: [
              { id: "t1", name: text, threshold: "0", multiplier: "1", earlyAccess: false, perks: text },
            ],
          },
          onChange: () => {},
          errors: { "tiers.0.name": text },
          currencyCode: "USD",
          membersByTier: { t1: 3 },
          membersWithoutTier: 0,
        }),
      );
    const decoded = expectNoMarkupFrom(form, hostile);
    expect(decoded).toContain(`value="${hostile}"`);
    // Perks are a multiline field: a textarea, whose content is text.
    expect(decoded).toContain(`>${hostile}</textarea>`);
  });

  it("no admin component or page inserts raw HTML", () => {
    const files = [
      ...readdirSync(path.join(root, "app/components")).map((f) => `app/components/${f}`),
      ...readdirSync(path.join(root, "app/routes"))
        .filter((f) => f.endsWith(".tsx"))
        .map((f) => `app/routes/${f}`),
      "app/root.tsx",
    ];
    for (const file of files) {
      expect(readFileSync(path.join(root, file), "utf8"), file).not.toMatch(
        /dangerouslySetInnerHTML|innerHTML/,
      );
    }
  });
});
