import { randomUUID } from "node:crypto";
import { prisma } from "~/db.server";
import { parseDecimal } from "~/domain/points";
import { parseTierProgram, type TierProgramChange } from "~/domain/tier-program";
import { previewProgram, type TierPreviewRow, type TierProgram } from "~/domain/tiers";
import { requestShopifySync } from "~/jobs/sync-queue.server";
import { markAllForSync } from "./shopify-sync.server";
import { memberTierValues, recalculateTiers } from "./tier-recalculation.server";

/** The shop's tier program as the domain reads it; null when it has none. */
export async function getTierProgram(shop: string): Promise<TierProgram | null> {
  const program = await prisma.tierProgram.findUnique({
    where: { shop },
    include: { tiers: { orderBy: { position: "asc" } } },
  });
  if (!program) return null;
  return {
    metric: program.metric,
    window: program.window,
    graceDays: program.graceDays,
    tiers: program.tiers.map((tier) => ({
      id: tier.id,
      name: tier.name,
      threshold: tier.threshold,
      multiplier: parseDecimal(tier.multiplier.toString())!,
      earlyAccess: tier.earlyAccess,
      perks: tier.perks,
    })),
  };
}

export type TierProgramResult =
  | { ok: true; preview: TierPreviewRow[]; version?: number }
  | { ok: false; fieldErrors: Record<string, string> };

async function validated(shop: string, input: unknown) {
  const { currencyCode } = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
  return parseTierProgram(input, currencyCode);
}

/** What saving `input` would do to the shop's members, per tier, before anything is saved. */
export async function previewTierProgram(
  shop: string,
  input: unknown,
  now = new Date(),
): Promise<TierProgramResult> {
  const previewed = await preview(shop, input, now);
  return previewed.ok ? { ok: true, preview: previewed.preview } : previewed;
}

async function preview(shop: string, input: unknown, now: Date) {
  const change = await validated(shop, input);
  if (!change.ok) return { ok: false as const, fieldErrors: change.fieldErrors ?? { form: change.reason } };
  const next = programOf(change.value);
  const current = (await getTierProgram(shop)) ?? { ...next, tiers: [] };
  const members = await memberTierValues(shop, next, now);
  return { ok: true as const, change: change.value, preview: previewProgram(current, next, members) };
}

/**
 * Saves the shop's tier program and recalculates every member under it.
 * Tiers sent with their id keep it, so members keep their tier across edits
 * to its name, threshold or benefits; a tier left out is removed and its
 * members move to where they qualify. Returns the preview of what it did.
 */
export async function saveTierProgram(
  shop: string,
  input: unknown,
  now = new Date(),
): Promise<TierProgramResult> {
  const previewed = await preview(shop, input, now);
  if (!previewed.ok) return previewed;
  const { metric, window, graceDays, tagPrefix, tiers } = previewed.change;
  const version = await prisma.$transaction(async (tx) => {
    const saved = await tx.tierProgram.upsert({
      where: { shop },
      create: { shop, metric, window, graceDays, tagPrefix },
      update: { metric, window, graceDays, tagPrefix, version: { increment: 1 } },
    });
    await tx.tier.deleteMany({ where: { shop } });
    await tx.tier.createMany({
      data: tiers.map((tier, position) => ({
        id: tier.id ?? randomUUID(),
        shop,
        position,
        name: tier.name,
        threshold: tier.threshold,
        multiplier: tier.multiplier,
        earlyAccess: tier.earlyAccess,
        perks: tier.perks,
      })),
    });
    return saved.version;
  });
  await recalculateTiers(shop, now, `tier program version ${version}`);
  // A new prefix or tier name changes tags no member's balance moved for.
  await markAllForSync(shop);
  await requestShopifySync(shop);
  return { ok: true, preview: previewed.preview, version };
}

function programOf(change: TierProgramChange): TierProgram {
  return {
    metric: change.metric,
    window: change.window,
    graceDays: change.graceDays,
    tiers: change.tiers.map((tier, position) => ({
      id: tier.id ?? `new-${position}`,
      name: tier.name,
      threshold: tier.threshold,
      multiplier: parseDecimal(tier.multiplier)!,
      earlyAccess: tier.earlyAccess,
      perks: tier.perks,
    })),
  };
}
