// `npm run demo`: Tally on this machine against the Shopify stand-in. Creates
// and migrates the demo database, builds the app, starts the web app and the
// workers, installs a demo shop the way Shopify does (session token → token
// exchange), gives it VIP tiers, sends it a few paid orders, serves its
// storefront with the theme extension, then stays up until Ctrl-C.
import { appUrl, DEMO, demoDatabaseUrl, demoEnv, demoServerUrl, storefrontUrl } from "./config";
import { checkServices, ensureBuilt, ensureDatabase, forgetSessions } from "./prepare";
import { DEMO_CUSTOMERS, DEMO_REWARDS, DEMO_TIERS } from "./seed";
import { startWeb, waitForHttp } from "./processes";
import { openAdmin, readBalance, sendPaidOrder } from "./requests";
import { readTiers, waitForTiers } from "./tiers";

const SEED_ORDERS: Array<[customerId: number, amount: string]> = [
  [1001, "120.00"],
  [1001, "35.50"],
  [1002, "89.99"],
  [1003, "12.00"],
  [1003, "600.00"],
];

async function main() {
  const serverUrl = demoServerUrl();
  const databaseUrl = demoDatabaseUrl();
  const env = demoEnv(databaseUrl);
  await checkServices(serverUrl, env.REDIS_URL!);
  await ensureDatabase(serverUrl, DEMO.database, databaseUrl);
  await forgetSessions(databaseUrl, DEMO.shop);
  ensureBuilt();

  const children = [startWeb(env)];
  const stop = () => {
    for (const child of children) child.kill("SIGTERM");
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // However the demo ends (including a failed start), it takes its children with it.
  process.on("exit", () => children.forEach((child) => child.kill("SIGTERM")));

  await waitForHttp(`${appUrl}/healthz`);
  await waitForHttp(storefrontUrl);
  // shopify-app-remix answers bots 410; Node's fetch says it is "node".
  const install = await fetch(await openAdmin(), { headers: { "User-Agent": "Mozilla/5.0 (Tally demo)" } });
  if (!install.ok) throw new Error(`installing the demo shop failed: HTTP ${install.status}`);

  // The app's own model, so the program is validated and saved as the admin would.
  Object.assign(process.env, env);
  const { saveTierProgram } = await import("~/models/tier-program.server");
  const saved = await saveTierProgram(DEMO.shop, DEMO_TIERS);
  if (!saved.ok) throw new Error(`the demo tier program was refused: ${JSON.stringify(saved.fieldErrors)}`);
  const { listRewards, saveReward } = await import("~/models/reward.server");
  if ((await listRewards(DEMO.shop)).length === 0) {
    for (const reward of DEMO_REWARDS) {
      const result = await saveReward(DEMO.shop, reward);
      if (!result.ok) throw new Error(`a demo reward was refused: ${JSON.stringify(result.fieldErrors)}`);
    }
  }

  for (const [customerId, amount] of SEED_ORDERS) await sendPaidOrder(customerId, amount);
  await waitForTiers(databaseUrl, 3);
  const tiers = await readTiers(databaseUrl);
  const balances = await Promise.all(
    [1001, 1002, 1003].map(async (id) => [id, await readBalance(id)] as const),
  );

  console.info(`
──────────────────────────────────────────────────────────────────────────────
 Tally is running at ${appUrl}, against the Shopify stand-in.
 Demo shop: ${DEMO.shop} (installed through token exchange)

 Balances over the signed app proxy (what the storefront widget reads):
${balances.map(([id, body]) => `   customer ${id}: ${JSON.stringify(body)}`).join("\n")}

 Rewards points buy:
   ${DEMO_REWARDS.map((r) => `${r.name} for ${r.pointsCost}`).join(", ")}

 The shop's storefront, with the Tally theme extension and the app proxy:
   ${storefrontUrl}  (in French ${storefrontUrl}/fr, in German ${storefrontUrl}/de;
   add ?tally=off to any page to see it without Tally)
 Sign in as a customer at ${storefrontUrl}/account/login (Shopify signs shoppers in;
 the demo lets you pick one): ${DEMO_CUSTOMERS.map((c) => `${c.firstName} (${c.id})`).join(", ")}

 VIP tiers, as written back to the customers in Shopify (tag and metafields):
${tiers.map((t) => `   ${t.customer}: ${t.tier}, tagged "${t.tag}", ${t.points} points`).join("\n")}

 Send a paid order (signed exactly as Shopify signs webhooks):
   npm run demo:order -- --customer 1001 --amount 42.50
 Open the merchant's overview (a session token valid for one hour):
   ${await openAdmin(3600)}

 Ctrl-C stops the web app and the workers.
──────────────────────────────────────────────────────────────────────────────`);
}

main().catch((error) => {
  console.error(`\nThe demo could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
