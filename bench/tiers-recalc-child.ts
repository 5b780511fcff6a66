// The app side of the full-shop recalculation benchmark, run by
// bench/tiers.ts in a process of its own: the app's modules validate the
// environment and open their Prisma client when imported, so the parent sets
// DATABASE_URL and the rest first. Saves the program, then times
// recalculateTiers when every member moves and when none does, and writes
// the figures as JSON to TIERS_RESULT.
import { writeFile } from "node:fs/promises";
import { prisma } from "~/db.server";
import { closeSyncQueue } from "~/jobs/sync-queue.server";
import { saveTierProgram } from "~/models/tier-program.server";
import { recalculateTiers } from "~/models/tier-recalculation.server";
import { tierProgramInput } from "./tiers-seed";
import { needEnv, runChild } from "./child";

export interface RecalcRun {
  members: number;
  moved: number;
  seconds: number;
}

export interface RecalcChildResult {
  /** saveTierProgram on the seeded shop (recalculates everyone too), for context. */
  saveSeconds: number;
  everyoneMoves: RecalcRun;
  nothingMoves: RecalcRun;
}

const need = (name: string) => needEnv(name, "bench/tiers.ts");

async function save(shop: string): Promise<void> {
  const saved = await saveTierProgram(shop, tierProgramInput());
  if (!saved.ok) throw new Error(`the tier program was refused: ${JSON.stringify(saved.fieldErrors)}`);
}

/** Forgets every member's tier, so the next recalculation moves them all (from none to theirs). */
async function forgetTiers(shop: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "Member" SET "tierId" = NULL, "tierBelowSince" = NULL WHERE "shop" = ${shop}`;
}

async function timed(shop: string): Promise<RecalcRun> {
  const started = performance.now();
  const result = await recalculateTiers(shop, new Date(), "bench");
  const seconds = (performance.now() - started) / 1000;
  return { members: result.members, moved: result.up + result.down, seconds };
}

async function main(): Promise<void> {
  const shop = need("TIERS_SHOP");
  const warmUp = need("TIERS_WARMUP_SHOP");

  // JIT, Prisma's query plans and the pool's connections warm up on a small shop of their own.
  console.log("warm-up…");
  await save(warmUp);
  await forgetTiers(warmUp);
  await timed(warmUp);
  console.log("saving the program…");

  const started = performance.now();
  await save(shop);
  const saveSeconds = (performance.now() - started) / 1000;
  await forgetTiers(shop);
  console.log("every member moves…");
  const everyoneMoves = await timed(shop);
  console.log("no member moves…");
  const nothingMoves = await timed(shop);

  const result: RecalcChildResult = { saveSeconds, everyoneMoves, nothingMoves };
  await writeFile(need("TIERS_RESULT"), JSON.stringify(result));
}

runChild(main, async () => {
  // saveTierProgram queued a Shopify sync; nobody consumes it here.
  await closeSyncQueue();
  await prisma.$disconnect();
});
