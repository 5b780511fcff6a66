// Property: for random pairs of installed shops A and B, each with members,
// ledger entries, refunds, rewards, a redemption and a tier program, no admin,
// app-proxy or webhook request of A reads or changes anything of B's, even when
// it carries ids copied from B (customers, orders, refunds, rewards, tiers,
// idempotency keys). Every request goes through its real route; B's rows in
// every shop-scoped table, and B's discounts in Shopify, are compared byte for
// byte before and after, and every answer A gets is searched for B's data.
//
// By hand, more pairs: TENANT_RUNS=100 npx vitest run --project integration test/integration/tenant-isolation.test.ts
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { drainShop } from "~/jobs/drain-shop.server";
import { saveReward } from "~/models/reward.server";
import { saveTierProgram } from "~/models/tier-program.server";
import * as tiersPage from "~/routes/app.tiers";
import * as proxyCustomer from "~/routes/proxy.customer";
import { CANCELLED_AT, orderPayload } from "#test/factories/order";
import { refundPayload } from "#test/factories/refund";
import { amountOff } from "#test/factories/rewards";
import { tierInput, tierProgramInput } from "#test/factories/tiers";
import { signAppProxyUrl } from "#test/mocks/shopify/sign-app-proxy-url";
import { adminFormRequest, adminPageRequest } from "#test/support/admin";
import { redeemCall } from "#test/support/redemption";
import { callRoute } from "#test/support/routes";
import { connectedShop, standInDuringFile } from "#test/support/stand-in";
import { deliver, deliverAndDrain, type Topic } from "#test/support/webhooks";

const standIn = standInDuringFile();
const RUNS = Number(process.env.TENANT_RUNS ?? 25);

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
let nextOrderId = 9_300_000_000_000;
let nextRefundId = 9_400_000_000_000;
let nextWebhook = 0;

const tenantArb = fc.record({
  // Whole-unit prices at 1 point per unit: every member can afford a 1-point reward.
  prices: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 3 }),
  currency: fc.constantFrom("USD", "EUR"),
  refunded: fc.boolean(),
  tiers: fc.boolean(),
  redeemed: fc.boolean(),
  dataRequest: fc.boolean(),
});
type TenantSpec = typeof tenantArb extends fc.Arbitrary<infer T> ? T : never;

interface Tenant {
  shop: string;
  shopId: string;
  customers: string[];
  orders: number[];
  refunds: number[];
  rewards: Array<{ id: string; name: string }>;
  tiers: Array<{ id: string; name: string; threshold: string }>;
  redemptions: Array<{ id: string; code: string | null; idempotencyKey: string }>;
}

/** A shop with everything a shop holds, made through the same paths production uses. */
async function tenant(label: string, spec: TenantSpec): Promise<Tenant> {
  const tag = `${label}-${randomBytes(3).toString("hex")}`;
  const { shop, customerId } = await connectedShop(standIn, label);
  await prisma.shop.update({ where: { domain: shop }, data: { currencyCode: spec.currency } });
  const customers = [customerId];
  while (customers.length < spec.prices.length) {
    customers.push(standIn.addCustomer(shop, { firstName: `${tag} shopper ${customers.length}` }));
  }
  const orders: number[] = [];
  for (const [index, price] of spec.prices.entries()) {
    const orderId = nextOrderId++;
    orders.push(orderId);
    const body = orderPayload({
      orderId,
      customerId: numericId(customers[index]!),
      currency: spec.currency,
      lines: [{ price: `${price}.00` }],
    });
    await deliverAndDrain(shop, "orders/paid", body);
  }
  const refunds: number[] = [];
  if (spec.refunded) {
    const refundId = nextRefundId++;
    refunds.push(refundId);
    await deliverAndDrain(
      shop,
      "refunds/create",
      refundPayload({
        refundId,
        orderId: orders[0]!,
        currency: spec.currency,
        lines: [{ subtotal: "0.50" }],
      }),
    );
  }
  const saved = await saveReward(shop, amountOff(1, "1.00", { name: `${tag} reward` }));
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  const rewards = [{ id: saved.reward.id, name: saved.reward.name }];
  if (spec.tiers) {
    const program = tierProgramInput([tierInput(`${tag} Base`, "0"), tierInput(`${tag} Top`, "150", "2")]);
    const result = await saveTierProgram(shop, program, new Date(), 0);
    if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  }
  if (spec.redeemed) {
    const answer = await redeemCall(shop, customers[0]!, { rewardId: rewards[0]!.id });
    if (answer.status !== 200) throw new Error(`setup redeem answered ${answer.status}`);
  }
  if (spec.dataRequest) {
    await deliverAndDrain(shop, "customers/data_request", {
      shop_id: Number(numericId(standIn.state(shop).shop.id)),
      shop_domain: shop,
      customer: { id: Number(numericId(customers[0]!)), email: null, phone: null },
      orders_requested: [orders[0]!],
      data_request: { id: nextWebhook++ },
    });
  }
  const tiers = (await prisma.tier.findMany({ where: { shop }, orderBy: { position: "asc" } })).map((t) => ({
    id: t.id,
    name: t.name,
    threshold: String(t.threshold),
  }));
  const redemptions = await prisma.redemption.findMany({
    where: { shop },
    select: { id: true, code: true, idempotencyKey: true },
  });
  return {
    shop,
    shopId: standIn.state(shop).shop.id,
    customers,
    orders,
    refunds,
    rewards,
    tiers,
    redemptions,
  };
}

/**
 * B as bytes: every row of every table with a `shop` column (found in the
 * database, so a table added later is covered too), the shop's own row, and
 * B's discounts in Shopify, the one thing there A's token could have reached.
 */
async function snapshot(shop: string): Promise<Record<string, string>> {
  const tables = await prisma.$queryRaw<Array<{ table: string }>>`
    SELECT table_name AS "table" FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'shop' ORDER BY table_name`;
  expect(tables.length).toBeGreaterThan(10);
  const state: Record<string, string> = {};
  for (const { table } of tables) {
    const rows = await prisma.$queryRawUnsafe<Array<{ row: string }>>(
      `SELECT row_to_json(t)::text AS "row" FROM "${table}" t WHERE t."shop" = $1 ORDER BY 1`,
      shop,
    );
    state[table] = rows.map((r) => r.row).join("\n");
  }
  const [own] = await prisma.$queryRaw<Array<{ row: string }>>`
    SELECT row_to_json(s)::text AS "row" FROM "Shop" s WHERE s."domain" = ${shop}`;
  state.Shop = own!.row;
  state.shopifyDiscounts = JSON.stringify(standIn.discounts(shop));
  return state;
}

/** Everything of B's that A must never be shown, less what A's own request carried. */
function secretsOf(b: Tenant, carried: string[]): string[] {
  const secrets = [
    b.shop,
    b.shopId,
    ...b.rewards.flatMap((r) => [r.id, r.name]),
    ...b.tiers.flatMap((t) => [t.id, t.name]),
    ...b.redemptions.flatMap((r) => [r.id, r.code ?? ""]),
  ];
  return secrets.filter((secret) => secret !== "" && !carried.some((c) => c.includes(secret)));
}

async function textOf(answer: unknown): Promise<string> {
  if (answer instanceof Response) return answer.clone().text();
  return JSON.stringify(answer, (_key, value: unknown) =>
    typeof value === "bigint" ? String(value) : value,
  );
}

const statusOf = (answer: unknown) => (answer instanceof Response ? answer.status : 200);

const side = fc.constantFrom("A" as const, "B" as const);
const opArb = fc.oneof(
  fc.record({ kind: fc.constant("proxy-get" as const), customer: side, index: fc.nat() }),
  fc.record({
    kind: fc.constant("redeem" as const),
    customer: side,
    reward: side,
    index: fc.nat(),
    copyKey: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("admin-load" as const) }),
  fc.record({
    kind: fc.constantFrom("admin-preview" as const, "admin-save" as const),
    copyTiers: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("webhook" as const),
    topic: fc.constantFrom<Topic>(
      "orders/paid",
      "orders/fulfilled",
      "orders/cancelled",
      "refunds/create",
      "customers/create",
      "customers/data_request",
      "customers/redact",
      "shop/redact",
      "app/uninstalled",
    ),
    index: fc.nat(),
    // The body names B as its shop (a destructive topic replayed at A): refused, or acted on as A.
    claimsB: fc.boolean(),
  }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(items: readonly T[], index: number): T | undefined => items[index % items.length];

/** The body of A's webhook, carrying B's ids wherever the topic names an order, refund or customer. */
function webhookBody(op: Extract<Op, { kind: "webhook" }>, a: Tenant, b: Tenant): unknown {
  const orderId = pick(b.orders, op.index)!;
  const customerId = numericId(pick(b.customers, op.index)!);
  const named = op.claimsB ? b : a;
  const shopId = Number(numericId(named.shopId));
  switch (op.topic) {
    case "orders/paid":
      return orderPayload({ orderId, customerId, lines: [{ price: "25.00" }] });
    case "orders/fulfilled":
      return orderPayload({ orderId, customerId, lines: [{ price: "25.00" }], fulfilled: true });
    case "orders/cancelled":
      return orderPayload({ orderId, customerId, lines: [{ price: "25.00" }], cancelledAt: CANCELLED_AT });
    case "refunds/create":
      return refundPayload({
        refundId: pick(b.refunds, op.index) ?? nextRefundId++,
        orderId,
        lines: [{ subtotal: "5.00" }],
      });
    case "customers/create":
      return {
        id: Number(customerId),
        admin_graphql_api_id: `gid://shopify/Customer/${customerId}`,
        email: null,
        first_name: "Copied",
        last_name: null,
      };
    case "customers/data_request":
      return {
        shop_id: shopId,
        shop_domain: named.shop,
        customer: { id: Number(customerId), email: null, phone: null },
        orders_requested: b.orders,
        data_request: { id: nextWebhook++ },
      };
    case "customers/redact":
      return {
        shop_id: shopId,
        shop_domain: named.shop,
        customer: { id: Number(customerId), email: null, phone: null },
        orders_to_redact: b.orders,
      };
    case "shop/redact":
      return { shop_id: shopId, shop_domain: named.shop };
    default:
      return {
        id: shopId,
        name: named.shop.replace(".myshopify.com", ""),
        email: `owner@${named.shop}`,
        domain: named.shop,
        myshopify_domain: named.shop,
        currency: "USD",
      };
  }
}

/** A's stored tiers as the admin form sends them back. */
async function formTiersOf(shop: string) {
  return (await prisma.tier.findMany({ where: { shop }, orderBy: { position: "asc" } })).map((t) =>
    tierInput(t.name, String(t.threshold), String(t.multiplier), t.id),
  );
}

/** Sends one of A's requests; returns what A was answered and the strings the request itself carried. */
async function send(op: Op, a: Tenant, b: Tenant): Promise<{ answer: unknown; carried: string[] }> {
  switch (op.kind) {
    case "proxy-get": {
      const customer = pick(op.customer === "A" ? a.customers : b.customers, op.index)!;
      const url = signAppProxyUrl({
        secret: process.env.SHOPIFY_API_SECRET!,
        shop: a.shop,
        url: "https://tally.test/proxy/customer",
        loggedInCustomerId: numericId(customer),
      });
      const answer = await callRoute(proxyCustomer.loader, new Request(url));
      if (answer.status === 200) {
        // The balance shown is A's for that customer: none, unless A's own webhooks made them A's member.
        const member = await prisma.member.findUnique({
          where: { shop_customerGid: { shop: a.shop, customerGid: customer } },
        });
        const body = (await answer.clone().json()) as { points?: number; issued?: Array<{ id: string }> };
        expect(body.points).toBe(member?.points ?? 0);
        for (const issued of body.issued ?? []) {
          expect((await prisma.redemption.findUnique({ where: { id: issued.id } }))?.shop).toBe(a.shop);
        }
      }
      return { answer, carried: [url] };
    }
    case "redeem": {
      const customer = pick(op.customer === "A" ? a.customers : b.customers, op.index)!;
      const reward = pick(op.reward === "A" ? a.rewards : b.rewards, op.index)!;
      const copied = op.copyKey ? pick(b.redemptions, op.index)?.idempotencyKey : undefined;
      const call = { rewardId: reward.id, ...(copied ? { idempotencyKey: copied } : {}) };
      const answer = await redeemCall(a.shop, customer, call);
      if (op.reward === "B") expect(answer.status).not.toBe(200);
      if (answer.status === 200) {
        const made = await prisma.redemption.findUniqueOrThrow({ where: { id: answer.body.redemption!.id } });
        expect(made.shop).toBe(a.shop);
      }
      return {
        answer: new Response(JSON.stringify(answer.body), { status: answer.status }),
        carried: [customer, reward.id, copied ?? ""],
      };
    }
    case "admin-load": {
      const answer = await callRoute(tiersPage.loader, await adminPageRequest(a.shop, "/app/tiers"));
      if (!(answer instanceof Response)) {
        const own = new Set((await prisma.tier.findMany({ where: { shop: a.shop } })).map((t) => t.id));
        for (const tier of answer.program.tiers) if (tier.id) expect(own.has(tier.id)).toBe(true);
      }
      return { answer, carried: [] };
    }
    case "admin-preview":
    case "admin-save": {
      const copying = op.copyTiers && b.tiers.length > 0;
      const tiers = copying
        ? b.tiers.map((t) => tierInput(t.name, t.threshold, "1", t.id))
        : [...(await formTiersOf(a.shop)), tierInput(`A extra ${nextWebhook++}`, "999")];
      const program = JSON.stringify(tierProgramInput(tiers));
      const version = (await prisma.tierProgram.findUnique({ where: { shop: a.shop } }))?.version ?? 0;
      const fields: Record<string, string> =
        op.kind === "admin-save"
          ? { intent: "save", program, version: String(version) }
          : { intent: "preview", program };
      const answer = await callRoute(tiersPage.action, await adminFormRequest(a.shop, "/app/tiers", fields));
      // B's tier ids are refused, not written into A (and certainly not into B).
      if (copying && !(answer instanceof Response)) expect(answer.ok).toBe(false);
      return { answer, carried: [program] };
    }
    case "webhook": {
      const body = webhookBody(op, a, b);
      const answer = await deliver({
        shop: a.shop,
        topic: op.topic,
        webhookId: `iso-${nextWebhook++}`,
        body,
      });
      await drainShop(a.shop);
      return { answer, carried: [JSON.stringify(body)] };
    }
  }
}

describe("tenant isolation", () => {
  it(
    "no admin, app-proxy or webhook request of one shop reads or changes another shop's data, ids copied from it included",
    { timeout: 600_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          tenantArb,
          tenantArb,
          // At most three redeems per case: the redeem rate limit is not what this test is about.
          fc
            .array(opArb, { minLength: 1, maxLength: 8 })
            .filter((ops) => ops.filter((o) => o.kind === "redeem").length <= 3),
          async (specA, specB, ops) => {
            const a = await tenant("iso-a", specA);
            const b = await tenant("iso-b", specB);
            const before = await snapshot(b.shop);

            for (const op of ops) {
              const { answer, carried } = await send(op, a, b);
              expect(statusOf(answer), `${op.kind} answered ${statusOf(answer)}`).toBeLessThan(500);
              const text = await textOf(answer);
              for (const secret of secretsOf(b, carried)) {
                expect(text.includes(secret), `${op.kind}'s answer shows B's ${secret}`).toBe(false);
              }
            }

            expect(await snapshot(b.shop)).toEqual(before);
          },
        ),
        { numRuns: RUNS },
      );
    },
  );
});
