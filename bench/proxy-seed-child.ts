// The app's side of the app-proxy benchmark's seed, run by bench/proxy-seed.ts
// in a process of its own: the app's modules validate the environment and open
// their Prisma client when imported. Saves the shop's tier program and rewards
// through the app's own models, as the admin saves them, so the proxy answer
// has a tier, a next tier and rewards to compute.
import { prisma } from "~/db.server";
import { closeSyncQueue } from "~/jobs/sync-queue.server";
import { saveReward } from "~/models/reward.server";
import { saveTierProgram } from "~/models/tier-program.server";
import { tierProgramInput } from "./tiers-seed";
import { needEnv, runChild } from "./child";

// One of each kind at costs the seeded balances (3 to 7,002 points) straddle,
// and a disabled one the storefront must not offer. The shape of
// test/factories/rewards.ts.
const REWARDS = [
  { kind: "FREE_SHIPPING", name: "Free shipping", pointsCost: 300, codeValidDays: 30 },
  { kind: "AMOUNT_OFF", name: "$5 off your order", pointsCost: 500, value: "5.00", codeValidDays: 30 },
  { kind: "PERCENT_OFF", name: "10% off", pointsCost: 1_000, value: "10", codeValidDays: 14 },
  { kind: "STORE_CREDIT", name: "$25 store credit", pointsCost: 2_500, value: "25.00" },
  {
    kind: "AMOUNT_OFF",
    name: "$50 off",
    pointsCost: 5_000,
    value: "50.00",
    codeValidDays: 30,
    enabled: false,
  },
];

async function main(): Promise<void> {
  const shop = needEnv("PROXY_SHOP", "bench/proxy-seed.ts");
  const saved = await saveTierProgram(shop, tierProgramInput());
  if (!saved.ok) throw new Error(`the tier program was refused: ${JSON.stringify(saved.fieldErrors)}`);
  for (const reward of REWARDS) {
    const result = await saveReward(shop, reward);
    if (!result.ok) throw new Error(`a reward was refused: ${JSON.stringify(result.fieldErrors)}`);
  }
}

runChild(main, async () => {
  // saveTierProgram queued a Shopify sync; the benchmark runs no worker to take it.
  await closeSyncQueue();
  await prisma.$disconnect();
});
