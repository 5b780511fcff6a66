import { prisma } from "~/db.server";
import { runShopifySync } from "~/jobs/run-shopify-sync.server";
import { postEntry } from "~/models/ledger.server";
import { saveReward } from "~/models/reward.server";
import type { ShopifyStandIn } from "../../mocks/shopify/stand-in";
import { installedShop } from "../../support/shops";

// A shop whose storefront has something to show: connected to a stand-in
// shop (its offline token issued by the stand-in), earning 1 point per USD,
// two rewards, members with points, and the program published to Shopify
// as the app publishes it (the sync job's first step). Used by the browser
// tests and the Lighthouse bench; needs the app's environment (DATABASE_URL…).

export interface SeededMember {
  /** Numeric Shopify customer id, as the storefront and the app proxy name it. */
  id: string;
  gid: string;
  firstName: string;
  points: number;
  pendingPoints: number;
}

export interface SeededShop {
  shop: string;
  members: SeededMember[];
}

const REWARDS = [
  { kind: "AMOUNT_OFF", name: "$5 off", pointsCost: 500, value: "5.00", codeValidDays: 30 },
  { kind: "FREE_SHIPPING", name: "Free shipping", pointsCost: 300, codeValidDays: 30 },
];

interface Person {
  firstName: string;
  lastName: string;
  email: string;
  points: number;
  pendingPoints: number;
  /** Whether Shopify holds the balance metafield yet (the tier sync writes it; a shop without tiers never). */
  synced: boolean;
}

const MEMBERS: Person[] = [
  {
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    points: 1200,
    pendingPoints: 0,
    synced: true,
  },
  {
    firstName: "Grace",
    lastName: "Hopper",
    email: "grace@example.com",
    points: 800,
    pendingPoints: 0,
    synced: true,
  },
  {
    firstName: "Alan",
    lastName: "Turing",
    email: "alan@example.com",
    points: 1300,
    pendingPoints: 0,
    synced: true,
  },
  // Points still in the pending period: the balance block shows a second line for them.
  {
    firstName: "Katherine",
    lastName: "Johnson",
    email: "katherine@example.com",
    points: 1900,
    pendingPoints: 40,
    synced: true,
  },
  // Nothing to paint before the app answers.
  {
    firstName: "Dorothy",
    lastName: "Vaughan",
    email: "dorothy@example.com",
    points: 700,
    pendingPoints: 0,
    synced: false,
  },
];

const numericId = (gid: string) => gid.split("/").pop()!;

async function addMember(shop: string, standIn: ShopifyStandIn, person: Person) {
  const { points, pendingPoints, synced, ...name } = person;
  // The balance metafield the tier sync keeps: the widgets' first paint.
  const balance = {
    namespace: "$app:tally",
    key: "points_balance",
    type: "number_integer",
    value: String(points),
  };
  const gid = standIn.addCustomer(shop, { ...name, metafields: synced ? [balance] : [] });
  await prisma.$transaction(async (tx) => {
    const member = await tx.member.create({ data: { shop, customerGid: gid, firstName: name.firstName } });
    await postEntry(tx, {
      shop,
      memberId: member.id,
      kind: "ADJUSTMENT",
      points,
      pendingPoints,
      reason: "Seeded for the storefront",
      source: null,
      idempotencyKey: `seed:${gid}`,
      details: {},
    });
  });
  return { id: numericId(gid), gid, firstName: name.firstName, points, pendingPoints };
}

export async function seedStorefrontShop(standIn: ShopifyStandIn, label = "storefront"): Promise<SeededShop> {
  const shop = await installedShop({ label });
  standIn.addShop({ domain: shop, currencyCode: "USD", name: "Tally Test Store" });
  const { token, scope } = standIn.issueToken(shop, { kind: "offline", expiring: false });
  await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: token, scope } });

  for (const input of REWARDS) {
    const saved = await saveReward(shop, input);
    if (!saved.ok) throw new Error(`seed reward refused: ${JSON.stringify(saved.fieldErrors)}`);
  }
  const members = [];
  for (const person of MEMBERS) members.push(await addMember(shop, standIn, person));
  // Saving the rewards marked the program changed; the sync job's first step publishes it.
  await runShopifySync(shop);
  return { shop, members };
}
