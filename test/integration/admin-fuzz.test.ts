import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import * as layout from "~/routes/app";
import * as overview from "~/routes/app._index";
import * as tiersPage from "~/routes/app.tiers";
import { mintSessionToken } from "#test/mocks/shopify/session-token";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { adminFormRequest, sessionTokenFor } from "#test/support/admin";
import { callRoute } from "#test/support/routes";
import { installedShop } from "#test/support/shops";

// Random hostile requests to the admin routes, as a signed-in merchant of one
// shop or as nobody: tokens forged, expired, tampered or for the other shop;
// headers missing or swapped; bodies of every content type and shape. None
// is a 500, each gets the status its fault deserves, and the only program a
// request can change is the one of the shop its valid token names.

const PAGE = "/app/tiers";
const URL_OF = (path: string) => new URL(path, process.env.SHOPIFY_APP_URL).href;

let ours: string;
let theirs: string;
let theirTierIds: string[];

/** Everything the tier page can change for a shop, as comparable text. */
const programOf = async (shop: string) =>
  JSON.stringify(
    await prisma.tierProgram.findUnique({
      where: { shop },
      include: { tiers: { orderBy: { position: "asc" } } },
    }),
    (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
  );

beforeAll(async () => {
  [ours, theirs] = await Promise.all([installedShop({ label: "ours" }), installedShop({ label: "theirs" })]);
  const program = tierProgramInput([tierInput("Theirs Bronze", "0"), tierInput("Theirs Gold", "900")]);
  const saved = await callRoute(
    tiersPage.action,
    await adminFormRequest(theirs, PAGE, { intent: "save", program: JSON.stringify(program), version: "0" }),
  );
  expect(saved).toMatchObject({ ok: true });
  theirTierIds = (await prisma.tier.findMany({ where: { shop: theirs } })).map((tier) => tier.id);
});

type TokenKind = "ours" | "theirs-secret" | "forged" | "expired" | "tampered" | "garbage" | "none";

async function tokenOf(kind: TokenKind, garbage: string): Promise<string | null> {
  const apiKey = process.env.SHOPIFY_API_KEY!;
  switch (kind) {
    case "ours":
      return sessionTokenFor(ours);
    case "theirs-secret":
      return sessionTokenFor(ours, "another-apps-secret");
    case "forged":
      return mintSessionToken({ shop: theirs, apiKey: "another-app", secret: "guess" });
    case "expired":
      return mintSessionToken({
        shop: ours,
        apiKey,
        secret: process.env.SHOPIFY_API_SECRET!,
        issuedAt: new Date(Date.now() - 10 * 60_000),
      });
    case "tampered": {
      // Our signature over a payload changed to name the other shop.
      const [header, payload, signature] = (await sessionTokenFor(ours)).split(".");
      const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
      const swapped = { ...claims, dest: `https://${theirs}`, iss: `https://${theirs}/admin` };
      return `${header}.${Buffer.from(JSON.stringify(swapped)).toString("base64url")}.${signature}`;
    }
    case "garbage":
      return garbage;
    case "none":
      return null;
  }
}

// What a header can carry: Latin-1 without line breaks or NUL.
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)),
});

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)) }),
);

/** A tier program with one field given a wrong type or value, or our tiers renamed with their ids. */
const programText = fc.oneof(
  fc.anything().map((value) => JSON.stringify(value) ?? "undefined"),
  fc
    .record({
      field: fc.constantFrom("metric", "window", "graceDays", "tagPrefix", "tiers"),
      value: fc.anything(),
    })
    .map(({ field, value }) =>
      JSON.stringify(tierProgramInput([tierInput("Bronze", "0")], { [field]: value })),
    ),
  fc
    .record({
      field: fc.constantFrom("name", "threshold", "multiplier", "earlyAccess", "perks", "id"),
      value: fc.anything(),
    })
    .map(({ field, value }) =>
      JSON.stringify(tierProgramInput([{ ...tierInput("Bronze", "0"), [field]: value }])),
    ),
  fc
    .constant(null)
    .map(() =>
      JSON.stringify(
        tierProgramInput(theirTierIds.map((id, i) => tierInput(`Ours ${i}`, String(i * 10), "1", id))),
      ),
    ),
  fc.nat({ max: 5_000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  anyText,
);

interface Body {
  kind: "form" | "json" | "multipart-broken" | "multipart" | "empty" | "huge" | "text";
  contentType: string | null;
  body: string | undefined;
}

const formFields = fc.record(
  {
    intent: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("preview", "save") },
      fc.constantFrom("delete", ""),
      anyText,
    ),
    program: programText,
    version: fc.oneof(fc.constantFrom("0", "1", "2", "-1", "1e3", "999999999999"), anyText),
    // Names the other shop; read when the value is drawn, after beforeAll.
    shop: fc.constant(null).map(() => theirs),
  },
  { requiredKeys: ["intent", "program"] },
);

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  formFields.map((fields) => ({
    kind: "form" as const,
    contentType: "application/x-www-form-urlencoded",
    body: new URLSearchParams(fields as Record<string, string>).toString(),
  })),
  formFields.map((fields) => ({
    kind: "json" as const,
    contentType: "application/json",
    body: JSON.stringify(fields),
  })),
  anyText.map((text) => ({
    kind: "multipart-broken" as const,
    contentType: "multipart/form-data; boundary=----x",
    body: `------x\r\nContent-Disposition: form-data; name="intent"\r\n\r\n${text}`,
  })),
  formFields.map((fields) => {
    const parts = Object.entries(fields).map(
      ([name, value]) => `------x\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
    return {
      kind: "multipart" as const,
      contentType: "multipart/form-data; boundary=----x",
      body: `${parts.join("")}------x--\r\n`,
    };
  }),
  fc.constantFrom(null, "application/x-www-form-urlencoded", "multipart/form-data").map((contentType) => ({
    kind: "empty" as const,
    contentType,
    body: undefined,
  })),
  fc.constant({
    kind: "huge" as const,
    contentType: "application/x-www-form-urlencoded",
    body: `intent=preview&program=${"%5B".repeat(300_000)}`,
    // A counterexample names it rather than printing 900 KB.
    [fc.toStringMethod]: () => "a 900 KB form",
  }),
  fc
    .tuple(fc.constantFrom(null, "text/plain", "application/xml", "image/png", "multipart/mixed"), anyText)
    .map(([contentType, text]) => ({ kind: "text" as const, contentType, body: text })),
);

const placements = fc.constantFrom("bearer", "lowercase-bearer", "no-scheme", "url");

function adminPost(token: string | null, placement: string, { contentType, body }: Body): Request {
  const url = new URL(URL_OF(PAGE));
  const headers = new Headers();
  if (contentType !== null) headers.set("Content-Type", contentType);
  if (token !== null) {
    if (placement === "bearer") headers.set("Authorization", `Bearer ${token}`);
    if (placement === "lowercase-bearer") headers.set("Authorization", `bearer ${token}`);
    if (placement === "no-scheme") headers.set("Authorization", token);
    if (placement === "url") url.searchParams.set("id_token", token);
  }
  url.searchParams.set("shop", theirs);
  return new Request(url, { method: "POST", headers, body });
}

describe("the admin routes under random hostile requests", () => {
  it("never answer 500, refuse what they cannot read, and change only the signed-in shop's own program", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Half the requests come signed in, so their bodies reach the action's parsing.
        fc.oneof(
          fc.constant({ kind: "ours" as TokenKind, placement: "bearer" }),
          fc.record({
            kind: fc.constantFrom<TokenKind>(
              "ours",
              "theirs-secret",
              "forged",
              "expired",
              "tampered",
              "garbage",
              "none",
            ),
            placement: placements,
          }),
        ),
        headerText,
        bodyArb,
        async ({ kind, placement }, garbage, body) => {
          const token = await tokenOf(kind, garbage);
          const [oursBefore, theirsBefore] = await Promise.all([programOf(ours), programOf(theirs)]);
          // A thrown error (not a Response) fails the property: Remix would answer it with a 500.
          const result = await callRoute(tiersPage.action, adminPost(token, placement, body));
          const [oursAfter, theirsAfter] = await Promise.all([programOf(ours), programOf(theirs)]);

          expect(theirsAfter).toBe(theirsBefore);
          // shopify-app-remix takes the header with or without "Bearer ", case-sensitively.
          const signedIn = kind === "ours" && (placement === "bearer" || placement === "no-scheme");
          if (!signedIn) {
            expect(result).toBeInstanceOf(Response);
            expect([302, 400, 401, 403, 410]).toContain((result as Response).status);
          } else if (
            body.contentType === null ||
            !/^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(body.contentType)
          ) {
            expect((result as Response).status).toBe(415);
          } else if (body.kind === "huge") {
            expect((result as Response).status).toBe(413);
          } else if (
            body.kind === "multipart-broken" ||
            (body.kind === "empty" && body.contentType === "multipart/form-data")
          ) {
            expect((result as Response).status).toBe(400);
          } else {
            // Read: the action answers with its verdict, errors for the merchant included.
            expect(result).not.toBeInstanceOf(Response);
          }
          const saved =
            !(result instanceof Response) &&
            (result as { intent: unknown; ok: unknown }).intent === "save" &&
            (result as { ok: unknown }).ok === true;
          if (!saved) expect(oursAfter).toBe(oursBefore);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("show a signed-in shop its own data whatever shop, host or ids the URL names", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          shop: fc.constantFrom(theirs, "", "evil.myshopify.com", "%00"),
          host: fc.oneof(fc.constant(Buffer.from(`${theirs}/admin`).toString("base64")), anyText),
          _data: fc.constantFrom("routes/app.tiers", "routes/app", "root"),
          id: fc.constantFrom(...theirTierIds),
        }),
        async (query) => {
          const url = new URL(URL_OF(PAGE));
          for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
          const request = () =>
            sessionTokenFor(ours).then(
              (token) => new Request(url, { headers: { Authorization: `Bearer ${token}` } }),
            );
          const loaders: Parameters<typeof callRoute<unknown>>[0][] = [
            tiersPage.loader,
            overview.loader,
            layout.loader,
          ];
          for (const loader of loaders) {
            const result = await callRoute(loader, await request());
            // A host that decodes to no host name is refused (app/shopify.server.ts) whoever asks.
            if (result instanceof Response) {
              expect(result.status).toBe(400);
              expect(query.host).not.toBe(Buffer.from(`${theirs}/admin`).toString("base64"));
              continue;
            }
            const text = JSON.stringify(result);
            expect(text).not.toContain("Theirs");
            expect(text).not.toContain(theirs);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
