// What Tally writes to a Shopify customer for their loyalty state, and how
// those writes are packed into Admin GraphQL documents. Pure: the documents
// are sent by app/services/customer-sync.server.ts.

/** `$app:tally` resolves to Tally's own reserved namespace on every shop. */
export const TALLY_NAMESPACE = "$app:tally";

export const METAFIELD_KEYS = { tier: "tier", points: "points_balance" } as const;

/** Created at install so Liquid, customer accounts and Functions can read them. */
export const CUSTOMER_METAFIELD_DEFINITIONS = [
  {
    key: METAFIELD_KEYS.tier,
    name: "VIP tier",
    description: "The customer's Tally VIP tier; absent when they have none.",
    type: "single_line_text_field",
  },
  {
    key: METAFIELD_KEYS.points,
    name: "Points balance",
    description: "The customer's spendable Tally points.",
    type: "number_integer",
  },
] as const;

/** metafieldsSet takes at most 25 metafields per call. */
export const METAFIELDS_PER_CALL = 25;
/** Tag mutations per document, so one document stays far below Shopify's 1,000-point cap. */
export const TAG_MUTATIONS_PER_CALL = 40;

/** A member as Tally holds them now, beside what Shopify was last told. */
export interface MemberSyncState {
  memberId: string;
  customerGid: string;
  /** Desired: the tier tag, the tier name and the spendable balance. */
  tag: string | null;
  tier: string | null;
  points: number;
  /** Written to Shopify by the last successful sync; null if never. */
  shopifyTag: string | null;
  shopifyTier: string | null;
  shopifyPoints: number | null;
}

/** The writes that bring one customer in Shopify up to date. */
export interface CustomerWrite {
  memberId: string;
  customerGid: string;
  removeTag: string | null;
  addTag: string | null;
  set: Array<{ key: string; type: string; value: string }>;
  deleteKeys: string[];
  /** What Shopify holds once the writes succeed. */
  result: { tag: string | null; tier: string | null; points: number };
}

export function tierTag(prefix: string, tierName: string | null): string | null {
  return tierName === null ? null : `${prefix}${tierName}`;
}

/**
 * The writes for one member, or null when Shopify already holds their state.
 * The old tag is removed only when the tag changes (tags compare without
 * case on Shopify, so a case-only rename is a remove and an add, in that
 * order). The tier metafield is deleted when the member has no tier.
 */
export function planCustomerWrite(state: MemberSyncState): CustomerWrite | null {
  const tagChanged = state.tag !== state.shopifyTag;
  const set: CustomerWrite["set"] = [];
  const deleteKeys: string[] = [];
  if (state.tier !== state.shopifyTier) {
    if (state.tier === null) deleteKeys.push(METAFIELD_KEYS.tier);
    else set.push({ key: METAFIELD_KEYS.tier, type: "single_line_text_field", value: state.tier });
  }
  if (state.points !== state.shopifyPoints) {
    set.push({ key: METAFIELD_KEYS.points, type: "number_integer", value: String(state.points) });
  }
  if (!tagChanged && set.length === 0 && deleteKeys.length === 0) return null;
  return {
    memberId: state.memberId,
    customerGid: state.customerGid,
    removeTag: tagChanged ? state.shopifyTag : null,
    addTag: tagChanged ? state.tag : null,
    set,
    deleteKeys,
    result: { tag: state.tag, tier: state.tier, points: state.points },
  };
}

function tagMutations(write: CustomerWrite): number {
  return (write.removeTag ? 1 : 0) + (write.addTag ? 1 : 0);
}

/** Packs writes into documents: ≤ 25 metafields set and a bounded number of tag mutations each. */
export function packWrites(writes: readonly CustomerWrite[]): CustomerWrite[][] {
  const batches: CustomerWrite[][] = [];
  let batch: CustomerWrite[] = [];
  let metafields = 0;
  let tags = 0;
  for (const write of writes) {
    const fits =
      metafields + write.set.length <= METAFIELDS_PER_CALL &&
      tags + tagMutations(write) <= TAG_MUTATIONS_PER_CALL;
    if (!fits && batch.length > 0) {
      batches.push(batch);
      batch = [];
      metafields = 0;
      tags = 0;
    }
    batch.push(write);
    metafields += write.set.length;
    tags += tagMutations(write);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export interface SyncDocument {
  query: string;
  variables: Record<string, unknown>;
  /** Mutation fields in the document (Shopify charges each). */
  mutations: number;
}

// metafieldsSet's errors carry a code; the other payloads' UserError has none.
const USER_ERRORS_WITH_CODE = "userErrors { field message code }";
const USER_ERRORS = "userErrors { field message }";

/**
 * One mutation document for a batch. Shopify runs a document's mutations in
 * order, so each customer's old tag is removed before the new one is added.
 */
export function buildSyncDocument(batch: readonly CustomerWrite[]): SyncDocument {
  const declarations: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  const metafields = batch.flatMap((write) =>
    write.set.map((m) => ({ ownerId: write.customerGid, namespace: TALLY_NAMESPACE, ...m })),
  );
  const deletes = batch.flatMap((write) =>
    write.deleteKeys.map((key) => ({ ownerId: write.customerGid, namespace: TALLY_NAMESPACE, key })),
  );
  if (metafields.length > 0) {
    declarations.push("$metafields: [MetafieldsSetInput!]!");
    fields.push(`set: metafieldsSet(metafields: $metafields) { ${USER_ERRORS_WITH_CODE} }`);
    variables.metafields = metafields;
  }
  if (deletes.length > 0) {
    declarations.push("$deletes: [MetafieldIdentifierInput!]!");
    fields.push(`del: metafieldsDelete(metafields: $deletes) { ${USER_ERRORS} }`);
    variables.deletes = deletes;
  }
  batch.forEach((write, index) => {
    if (!write.removeTag && !write.addTag) return;
    declarations.push(`$c${index}: ID!`);
    variables[`c${index}`] = write.customerGid;
    if (write.removeTag) {
      declarations.push(`$r${index}: [String!]!`);
      variables[`r${index}`] = [write.removeTag];
      fields.push(`r${index}: tagsRemove(id: $c${index}, tags: $r${index}) { ${USER_ERRORS} }`);
    }
    if (write.addTag) {
      declarations.push(`$a${index}: [String!]!`);
      variables[`a${index}`] = [write.addTag];
      fields.push(`a${index}: tagsAdd(id: $c${index}, tags: $a${index}) { ${USER_ERRORS} }`);
    }
  });
  const query = `mutation TallySyncCustomers(${declarations.join(", ")}) {\n  ${fields.join("\n  ")}\n}`;
  return { query, variables, mutations: fields.length };
}

interface PayloadError {
  field?: string[] | null;
  message: string;
}
type SyncResponse = Record<string, { userErrors: PayloadError[] } | null | undefined>;

export interface SyncOutcome {
  /** Members whose every write landed. */
  written: CustomerWrite[];
  /** Members Shopify refused, with its messages. */
  refused: Array<{ write: CustomerWrite; reason: string }>;
  /**
   * Members whose metafields were not written because Shopify refused the
   * batch's metafieldsSet for someone else (it is all or nothing), or because
   * an error named nobody: send again, each on their own.
   */
  retry: CustomerWrite[];
}

function describe(errors: PayloadError[]): string {
  return errors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
}

/**
 * Reads a batch's response. Tag errors belong to their alias's customer;
 * metafield errors to the customer at the input index in their `field`
 * (["metafields", "3", "ownerId"]). An error that names nobody refuses the
 * whole batch only when it was a batch of one; otherwise everyone is sent
 * again on their own, so one bad customer never blocks the others.
 */
export function readSyncResponse(batch: readonly CustomerWrite[], data: SyncResponse): SyncOutcome {
  const reasons = new Map<number, PayloadError[]>();
  const blame = (index: number, error: PayloadError) =>
    reasons.set(index, [...(reasons.get(index) ?? []), error]);
  let unattributed: PayloadError[] = [];

  const owners = (list: "set" | "deletes") =>
    batch.flatMap((write, index) => (list === "set" ? write.set : write.deleteKeys).map(() => index));
  for (const [alias, list] of [
    ["set", "set"],
    ["del", "deletes"],
  ] as const) {
    const errors = data[alias]?.userErrors ?? [];
    const ownerOf = owners(list);
    for (const error of errors) {
      const position = Number(error.field?.[1]);
      const owner = Number.isInteger(position) ? ownerOf[position] : undefined;
      if (owner === undefined) unattributed.push(error);
      else blame(owner, error);
    }
  }
  batch.forEach((_, index) => {
    for (const alias of [`r${index}`, `a${index}`]) {
      for (const error of data[alias]?.userErrors ?? []) blame(index, error);
    }
  });
  const metafieldsRefused = (data.set?.userErrors.length ?? 0) > 0;
  if (unattributed.length > 0 && batch.length === 1) {
    for (const error of unattributed) blame(0, error);
    unattributed = [];
  }

  const outcome: SyncOutcome = { written: [], refused: [], retry: [] };
  batch.forEach((write, index) => {
    const errors = reasons.get(index);
    if (errors) outcome.refused.push({ write, reason: describe(errors) });
    else if (unattributed.length > 0 || (metafieldsRefused && write.set.length > 0))
      outcome.retry.push(write);
    else outcome.written.push(write);
  });
  return outcome;
}
