import { createHmac } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { WEBHOOK_BODY_LIMIT_BYTES } from "~/domain/webhook-headers";
import { WEBHOOK_TOPICS, type WebhookTopic } from "~/domain/webhook-topics";
import { CANCELLED_AT, orderPayload } from "#test/factories/order";
import { refundPayload } from "#test/factories/refund";
import { installedShop, uniqueShop } from "#test/support/shops";
import { deliver, deliverTo } from "#test/support/webhooks";

// Hostile webhook requests, generated: every header swapped or missing,
// topics and routes mismatched, bodies of one topic sent as another, wrong
// and unknown shops, tampered and wrongly signed bodies, wrong types and
// unicode in every field, deep nesting, oversized bodies. Whatever comes,
// the status is the one the intake rules give, nothing crashes, and no shop
// loses its installation, its members' history or its other data.
// CI runs 300 cases; by hand: WEBHOOK_FUZZ_RUNS=5000 npx vitest run --project integration test/integration/webhook-fuzz.test.ts

const RUNS = Number(process.env.WEBHOOK_FUZZ_RUNS ?? 300);
const SECRET = () => process.env.SHOPIFY_API_SECRET!;

let shops: { a: string; b: string };
/** A shop the bodies name that is neither a nor b: nothing destructive may ever match them. */
const ELSEWHERE = "elsewhere-0.myshopify.com";

async function memberWithOrder(shop: string) {
  const body = orderPayload({ orderId: 8_500_000_000_000 + Math.floor(Math.random() * 1e6), customerId: 1 });
  await deliver({ shop, topic: "orders/paid", webhookId: `seed-${shop}`, body });
  await drainShop(shop);
}

beforeAll(async () => {
  shops = { a: await installedShop({ label: "fuzz-a" }), b: await installedShop({ label: "fuzz-b" }) };
  await memberWithOrder(shops.a);
  await memberWithOrder(shops.b);
});

/** What must never change, whatever arrives. */
async function protectedState() {
  const both = [shops.a, shops.b];
  return {
    sessions: await prisma.session.count({ where: { shop: { in: both } } }),
    installed: await prisma.shop.count({ where: { domain: { in: both }, installState: "INSTALLED" } }),
    seeded: await prisma.ledgerEntry.findMany({
      where: { shop: { in: both }, member: { customerGid: "gid://shopify/Customer/1" } },
      orderBy: { id: "asc" },
    }),
    tombstones: await prisma.erasedSubject.count({ where: { shop: { in: both } } }),
    settings: await prisma.programSettings.findMany({
      where: { shop: { in: both } },
      orderBy: { shop: "asc" },
    }),
  };
}

// Bodies of every topic, each naming a shop other than a and b.
const bodyOf: Record<WebhookTopic, (n: number) => unknown> = {
  "orders/paid": (n) => orderPayload({ orderId: n, customerId: 900 + (n % 50) }),
  "orders/fulfilled": (n) => orderPayload({ orderId: n, customerId: 900, fulfilled: true }),
  "orders/cancelled": (n) => orderPayload({ orderId: n, customerId: 900, cancelledAt: CANCELLED_AT }),
  "refunds/create": (n) => refundPayload({ refundId: n, orderId: n, lines: [{ subtotal: "1.00" }] }),
  "customers/create": (n) => ({
    id: n,
    admin_graphql_api_id: `gid://shopify/Customer/${n}`,
    email: "x@example.com",
  }),
  "customers/data_request": (n) => ({
    shop_id: 1,
    shop_domain: ELSEWHERE,
    customer: { id: 1 },
    data_request: { id: n },
  }),
  "customers/redact": () => ({
    shop_id: 1,
    shop_domain: ELSEWHERE,
    customer: { id: 1 },
    orders_to_redact: [],
  }),
  "shop/redact": () => ({ shop_id: 1, shop_domain: ELSEWHERE }),
  "app/uninstalled": () => ({ id: 1, myshopify_domain: ELSEWHERE, domain: ELSEWHERE }),
  "app/scopes_update": () => ({
    id: 1,
    shop_id: "gid://shopify/Shop/1",
    previous: [],
    current: ["read_orders"],
  }),
};

const topicArb = fc.constantFrom(...WEBHOOK_TOPICS);
const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    "\u0000",
    "<script>alert(1)</script>",
    '\'; DROP TABLE "Member"; --',
    "\u202e",
    "💥".repeat(20),
  ),
);
/** Any JSON value, with hostile strings. */
const jsonArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    nastyString,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(nastyString, tie("value"), { maxKeys: 3 }),
  ),
})).value;

type BodyShape =
  | { kind: "topic"; topic: WebhookTopic }
  | { kind: "mutated"; topic: WebhookTopic; path: number; value: unknown }
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string }
  | { kind: "nested"; depth: number }
  | { kind: "oversized" };

const bodyArb: fc.Arbitrary<BodyShape> = fc.oneof(
  topicArb.map((topic) => ({ kind: "topic" as const, topic })),
  fc.record({ kind: fc.constant("mutated" as const), topic: topicArb, path: fc.nat(), value: jsonArb }),
  jsonArb.map((value) => ({ kind: "json" as const, value })),
  nastyString.map((text) => ({ kind: "text" as const, text })),
  fc.integer({ min: 50, max: 5_000 }).map((depth) => ({ kind: "nested" as const, depth })),
  fc.constant({ kind: "oversized" as const }),
);

/** Replaces one field (chosen by `path`, depth-first) of a copy of `body` with `value`. */
function mutate(body: unknown, path: number, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const slots: Array<[Record<string, unknown>, string]> = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== "object") return;
    for (const key of Object.keys(node)) {
      slots.push([node as Record<string, unknown>, key]);
      walk((node as Record<string, unknown>)[key]);
    }
  };
  walk(copy);
  if (slots.length === 0) return value;
  const [parent, key] = slots[path % slots.length]!;
  parent[key] = value;
  return copy;
}

function bodyText(shape: BodyShape, n: number): string {
  switch (shape.kind) {
    case "topic":
      return JSON.stringify(bodyOf[shape.topic](n));
    case "mutated":
      return JSON.stringify(mutate(bodyOf[shape.topic](n), shape.path, shape.value));
    case "json":
      return JSON.stringify(shape.value) ?? "null";
    case "text":
      return shape.text;
    case "nested":
      return `${'{"a":'.repeat(shape.depth)}1${"}".repeat(shape.depth)}`;
    case "oversized":
      return JSON.stringify({ pad: "x".repeat(WEBHOOK_BODY_LIMIT_BYTES) });
  }
}

type Signing = "valid" | "tampered" | "wrong-secret" | "garbage" | "missing";
type ShopHeader = "a" | "b" | "unknown" | "malformed" | "missing";

const caseArb = fc.record({
  route: topicArb,
  headerTopic: fc.oneof(topicArb, fc.constantFrom("orders/updated", "ORDERS_PAID", "", "../../etc")),
  matchRoute: fc.boolean(),
  shop: fc.constantFrom<ShopHeader>("a", "b", "unknown", "malformed", "missing"),
  signing: fc.constantFrom<Signing>(
    "valid",
    "valid",
    "valid",
    "tampered",
    "wrong-secret",
    "garbage",
    "missing",
  ),
  dropHeader: fc.option(fc.constantFrom("x-shopify-webhook-id", "x-shopify-api-version", "x-shopify-topic")),
  body: bodyArb,
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

let sequence = 9_000_000_000_000;

function requestFor(c: Case) {
  const n = sequence++;
  const body = bodyText(c.body, n);
  const topic = c.matchRoute ? c.route : c.headerTopic;
  const shop = {
    a: shops.a,
    b: shops.b,
    unknown: uniqueShop("fuzz-x"),
    malformed: "shop.evil.com",
    missing: null,
  }[c.shop];
  const sign = (secret: string, text: string) =>
    createHmac("sha256", secret).update(text, "utf8").digest("base64");
  const hmac = {
    valid: sign(SECRET(), body),
    tampered: sign(SECRET(), `${body} `),
    "wrong-secret": sign("not-the-secret", body),
    garbage: "=!garbage!=",
    missing: null,
  }[c.signing];
  const headers: Record<string, string | null> = {
    "content-type": "application/json",
    "x-shopify-hmac-sha256": hmac,
    "x-shopify-topic": topic,
    "x-shopify-shop-domain": shop,
    "x-shopify-webhook-id": `fuzz-${n}`,
    "x-shopify-api-version": "2026-10",
  };
  if (c.dropHeader) headers[c.dropHeader] = null;
  const present = Object.fromEntries(
    Object.entries(headers).filter((e): e is [string, string] => e[1] !== null),
  );
  const request = new Request(`https://tally.test/webhooks/${c.route}`, {
    method: "POST",
    headers: present,
    body,
  });
  return { request, body, topic, shop, headers };
}

/** The answer the intake rules give (docs/decisions/0017). */
function expectedStatus(c: Case, sent: ReturnType<typeof requestFor>): number {
  const { headers, body } = sent;
  const wellFormed =
    /^[A-Za-z0-9+/]{43}=$/.test(headers["x-shopify-hmac-sha256"] ?? "") &&
    /^[a-z_]+\/[a-z_]+$/.test(headers["x-shopify-topic"] ?? "") &&
    /\.myshopify\.com$/.test(headers["x-shopify-shop-domain"] ?? "") &&
    headers["x-shopify-webhook-id"] !== null &&
    headers["x-shopify-api-version"] !== null;
  if (!wellFormed) return 400;
  if (Buffer.byteLength(body) > WEBHOOK_BODY_LIMIT_BYTES) return 413;
  if (body.length === 0) return 400;
  if (c.signing !== "valid") return 401;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 400;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return 400;
  // Shops that never installed are answered 200 whatever the topic: nothing is done for them.
  if (c.shop === "unknown") return 200;
  if (sent.topic !== c.route) return 400;
  return 200;
}

describe("fuzzed webhook requests", () => {
  it(
    "get the status the rules give, never crash, and never touch what they must not",
    async () => {
      vi.spyOn(console, "warn").mockImplementation(() => {});
      vi.spyOn(console, "error").mockImplementation(() => {});
      const before = await protectedState();

      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const sent = requestFor(c);
          const response = await deliverTo(c.route, sent.request);
          expect({ case: c.body.kind, status: response.status }).toEqual({
            case: c.body.kind,
            status: expectedStatus(c, sent),
          });
          await drainShop(shops.a);
          await drainShop(shops.b);
        }),
        { numRuns: RUNS },
      );

      expect(await protectedState()).toEqual(before);
      // Nothing was recorded for a malformed shop, and every cached balance still equals its entries.
      expect(await prisma.webhookDelivery.count({ where: { shop: "shop.evil.com" } })).toBe(0);
      const drift = await prisma.$queryRaw<Array<{ id: string }>>`
      SELECT m."id"::text FROM "Member" m
      LEFT JOIN "LedgerEntry" e ON e."memberId" = m."id"
      WHERE m."shop" IN (${shops.a}, ${shops.b})
      GROUP BY m."id" HAVING m."points" + m."reservedPoints" <> COALESCE(sum(e."points"), 0)`;
      expect(drift).toEqual([]);
      vi.restoreAllMocks();
    },
    30_000 + RUNS * 50,
  );
});
