// Before the app-proxy benchmark times anything: the app's answers are the
// right ones for the members asked about, so a fast wrong answer (a 4xx, a
// guest answer, another member's points) cannot pass for a fast right one.
// Only the parts the answer carries are checked: the route is being extended
// to the whole member answer of docs/storefront.md.
import type { BenchApp } from "./app";
import { customerGid, type ProxyShop } from "./proxy-seed";
import { ProxyUrls } from "./proxy-urls";
import { signAppProxyUrl } from "../test/mocks/shopify/sign-app-proxy-url";

export interface AnswerCheck {
  sampled: number;
  /** The member answer's top-level keys, as the app answered them. */
  parts: string[];
  /** Mean size of a member's answer body. */
  bytes: number;
  problems: string[];
}

const SAMPLES = 50;

interface Expected {
  points: number;
  pendingPoints: number;
  tier: string | null;
  liveCodes: number;
}

async function expected(app: BenchApp, shop: string, id: number): Promise<Expected> {
  const { rows } = await app.pool.query<Expected>(
    `SELECT m."points", m."pendingPoints", t."name" AS tier,
            (SELECT count(*)::int FROM "Redemption" r
             WHERE r."memberId" = m."id" AND r."status" = 'ISSUED' AND r."expiresAt" > now()) AS "liveCodes"
     FROM "Member" m LEFT JOIN "Tier" t ON t."id" = m."tierId"
     WHERE m."shop" = $1 AND m."customerGid" = $2`,
    [shop, customerGid(id)],
  );
  if (!rows[0]) throw new Error(`member ${id} was not seeded`);
  return rows[0];
}

function compare(id: number, body: Record<string, unknown>, want: Expected, shop: ProxyShop): string[] {
  const problems: string[] = [];
  const differ = (part: string, got: unknown, wanted: unknown) =>
    problems.push(`customer ${id}: ${part} is ${JSON.stringify(got)}, expected ${JSON.stringify(wanted)}`);
  if (body.loggedIn !== true) differ("loggedIn", body.loggedIn, true);
  if (body.points !== want.points) differ("points", body.points, want.points);
  if (body.pendingPoints !== want.pendingPoints)
    differ("pendingPoints", body.pendingPoints, want.pendingPoints);
  if ("tier" in body) {
    const tier = (body.tier as { name?: string } | null)?.name ?? null;
    if (tier !== want.tier) differ("tier", tier, want.tier);
  }
  if ("rewards" in body) {
    const rewards = body.rewards as unknown[];
    if (!Array.isArray(rewards) || rewards.length !== shop.rewards.enabled)
      differ("rewards (count)", Array.isArray(rewards) ? rewards.length : rewards, shop.rewards.enabled);
  }
  if ("issued" in body) {
    const issued = body.issued as unknown[];
    if (!Array.isArray(issued) || issued.length !== want.liveCodes)
      differ("issued (count)", Array.isArray(issued) ? issued.length : issued, want.liveCodes);
  }
  return problems;
}

export async function checkAnswers(app: BenchApp, shop: ProxyShop, urls: ProxyUrls): Promise<AnswerCheck> {
  const problems: string[] = [];
  let bytes = 0;
  let answered = 0;
  let parts: string[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const path = urls.take();
    const id = ProxyUrls.customerOf(path);
    const response = await fetch(`${app.baseUrl}${path}`);
    const text = await response.text();
    if (response.status !== 200) {
      problems.push(`customer ${id}: HTTP ${response.status} ${text.slice(0, 200)}`);
      continue;
    }
    bytes += Buffer.byteLength(text);
    answered++;
    const body = JSON.parse(text) as Record<string, unknown>;
    parts = Object.keys(body);
    problems.push(...compare(id, body, await expected(app, shop.shop, id), shop));
  }

  const guest = signAppProxyUrl({
    secret: app.secret,
    shop: shop.shop,
    url: `${app.baseUrl}/proxy/customer`,
  });
  const guestResponse = await fetch(guest);
  const guestBody = await guestResponse.text();
  if (guestResponse.status !== 200 || JSON.parse(guestBody).loggedIn !== false)
    problems.push(
      `guest: HTTP ${guestResponse.status} ${guestBody.slice(0, 200)}, expected { "loggedIn": false }`,
    );

  // Enough to see what is wrong; a broken answer is usually broken for everyone.
  return { sampled: SAMPLES, parts, bytes: answered ? bytes / answered : 0, problems: problems.slice(0, 10) };
}
