import { randomUUID } from "node:crypto";
import { prisma } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { parseDecimal } from "~/domain/points";
import {
  parseTierProgram,
  STARTER_TIER_PROGRAM,
  tierProgramValues,
  type TierProgramChange,
  type TierProgramValues,
} from "~/domain/tier-program";
import { previewProgram, type TierPreviewRow, type TierProgram } from "~/domain/tiers";
import { forgetShopParts } from "./storefront.server";
import { requestShopifySync } from "~/jobs/sync-queue.server";
import { markAllForSync } from "./shopify-sync.server";
import { memberTierValues, recalculateTiers, type Recalculation } from "./tier-recalculation.server";

/** The shop's tier program as the domain reads it; null when it has none. */
export async function getTierProgram(shop: string): Promise<TierProgram | null> {
  return (await storedProgram(shop))?.program ?? null;
}

/**
 * The program with its tag prefix and version. The tiers are read after the
 * row: if a save lands in between, they are newer than the version, and a
 * save from a preview made of them is refused rather than trusted.
 */
async function storedProgram(shop: string) {
  const row = await prisma.tierProgram.findUnique({
    where: { shop },
    include: { tiers: { orderBy: { position: "asc" } } },
  });
  if (!row) return null;
  const program: TierProgram = {
    metric: row.metric,
    window: row.window,
    graceDays: row.graceDays,
    tiers: row.tiers.map((tier) => ({
      id: tier.id,
      name: tier.name,
      threshold: tier.threshold,
      multiplier: parseDecimal(tier.multiplier.toString())!,
      earlyAccess: tier.earlyAccess,
      perks: tier.perks,
    })),
  };
  return { program, tagPrefix: row.tagPrefix, version: row.version };
}

export interface TierProgramForm {
  currencyCode: string;
  /** False for the starter program offered to a shop without one: nothing is stored yet. */
  saved: boolean;
  /** The stored program's version; 0 before the first save. */
  version: number;
  program: TierProgramValues;
  /** Members per tier id, and members in no tier. */
  members: { byTier: Record<string, number>; withoutTier: number };
}

/** What the merchant's tiers page edits: the program as text in its units, and who is in each tier. */
export async function getTierProgramForm(shop: string): Promise<TierProgramForm> {
  const [{ currencyCode }, stored, counts] = await Promise.all([
    prisma.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currencyCode: true } }),
    storedProgram(shop),
    // Redacted members are no longer placed in tiers (memberTierValues skips them).
    prisma.member.groupBy({ by: ["tierId"], where: { shop, redactedAt: null }, _count: { _all: true } }),
  ]);
  const members: TierProgramForm["members"] = { byTier: {}, withoutTier: 0 };
  for (const { tierId, _count } of counts) {
    if (tierId === null) members.withoutTier = _count._all;
    else members.byTier[tierId] = _count._all;
  }
  if (!stored) return { currencyCode, saved: false, version: 0, program: STARTER_TIER_PROGRAM, members };
  return {
    currencyCode,
    saved: true,
    version: stored.version,
    program: tierProgramValues(stored.program, stored.tagPrefix, currencyCode),
    members,
  };
}

/**
 * A preview, or a save and what it did. `version` is the stored program's
 * version the preview was made against (0 when none), or the version saved.
 */
export type TierProgramResult =
  | { ok: true; preview: TierPreviewRow[]; version: number; recalculation?: Recalculation }
  | { ok: false; fieldErrors: Record<string, string> };

export const CHANGED_ELSEWHERE = "The tiers were changed elsewhere since you previewed; preview again";

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
  return previewed.ok ? { ok: true, preview: previewed.preview, version: previewed.version } : previewed;
}

async function preview(shop: string, input: unknown, now: Date) {
  const change = await validated(shop, input);
  if (!change.ok) return { ok: false as const, fieldErrors: change.fieldErrors ?? { form: change.reason } };
  const next = programOf(change.value);
  // Read before the members: a save landing in between makes the version
  // stale, so saving from this preview is refused rather than trusted.
  const stored = await storedProgram(shop);
  // An id keeps a tier of this shop; any other (another shop's, or a tier
  // removed since the page loaded) is refused rather than written.
  const known = new Set(stored?.program.tiers.map((tier) => tier.id));
  const foreign = change.value.tiers.findIndex((tier) => tier.id !== undefined && !known.has(tier.id));
  if (foreign >= 0) {
    return {
      ok: false as const,
      fieldErrors: { [`tiers.${foreign}.id`]: "This tier no longer exists; reload the page and try again" },
    };
  }
  const current = stored?.program ?? { ...next, tiers: [] };
  const members = await memberTierValues(shop, next, now);
  return {
    ok: true as const,
    change: change.value,
    preview: previewProgram(current, next, members),
    version: stored?.version ?? 0,
  };
}

/**
 * Saves the shop's tier program and recalculates every member under it.
 * Tiers sent with their id keep it, so members keep their tier across edits
 * to its name, threshold or benefits; a tier left out is removed and its
 * members move to where they qualify. Returns the preview of what it did.
 *
 * With `expectedVersion` (the version the merchant previewed, 0 for none)
 * nothing is saved unless that is still the stored version: the merchant
 * agreed to the preview of that program, not of whatever replaced it.
 */
export async function saveTierProgram(
  shop: string,
  input: unknown,
  now = new Date(),
  expectedVersion?: number,
): Promise<TierProgramResult> {
  const previewed = await preview(shop, input, now);
  if (!previewed.ok) return previewed;
  const { metric, window, graceDays, tagPrefix, tiers } = previewed.change;
  const version = await prisma.$transaction(async (tx) => {
    const saved = await writeProgram(tx, shop, { metric, window, graceDays, tagPrefix }, expectedVersion);
    if (saved === null) return null;
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
    return saved;
  });
  if (version === null) return { ok: false, fieldErrors: { form: CHANGED_ELSEWHERE } };
  const recalculation = await recalculateTiers(shop, now, `tier program version ${version}`);
  // A new prefix or tier name changes tags no member's balance moved for.
  await markAllForSync(shop);
  await requestShopifySync(shop);
  // Members' panels show the new tiers at once from this process.
  forgetShopParts(shop);
  return { ok: true, preview: previewed.preview, version, recalculation };
}

type ProgramFields = Pick<TierProgramChange, "metric" | "window" | "graceDays" | "tagPrefix">;

/**
 * Writes the program's own row and returns its new version, or null when
 * `expected` is given and is no longer the stored version. The check is the
 * write's own condition, so of two saves from the same version the second
 * waits for the first (on its row, or on the shop's key for a first
 * program) and then finds nothing to write.
 */
async function writeProgram(
  tx: Prisma.TransactionClient,
  shop: string,
  fields: ProgramFields,
  expected: number | undefined,
): Promise<number | null> {
  if (expected === undefined) {
    const saved = await tx.tierProgram.upsert({
      where: { shop },
      create: { shop, ...fields },
      update: { ...fields, version: { increment: 1 } },
    });
    return saved.version;
  }
  if (expected === 0) {
    const { count } = await tx.tierProgram.createMany({ data: [{ shop, ...fields }], skipDuplicates: true });
    return count === 1 ? 1 : null;
  }
  const { count } = await tx.tierProgram.updateMany({
    where: { shop, version: expected },
    data: { ...fields, version: { increment: 1 } },
  });
  return count === 1 ? expected + 1 : null;
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
