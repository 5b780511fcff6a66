// The incremental benchmark's baseline: the Admin API writes a tier move
// needs (tier and points metafields, old tag off, new tag on), sent straight
// to the stand-in with the app's Admin client, no database, no queue. The
// documents are built here, not with the app's builder, so the baseline
// does not move when the app's batching does.
import { createAdminClient } from "~/services/admin-client.server";

export interface DirectWrite {
  customerGid: string;
  oldTag: string;
  newTag: string;
  tier: string;
  points: number;
}

// metafieldsSet takes at most 25 metafields; two per customer.
const CUSTOMERS_PER_DOCUMENT = 12;
const IN_FLIGHT = 4;
const ERRORS = "userErrors { field message }";

function document(batch: readonly DirectWrite[]) {
  const declarations = ["$m: [MetafieldsSetInput!]!"];
  const fields = [`set: metafieldsSet(metafields: $m) { ${ERRORS} }`];
  const variables: Record<string, unknown> = {
    m: batch.flatMap((w) => [
      {
        ownerId: w.customerGid,
        namespace: "$app:tally",
        key: "tier",
        type: "single_line_text_field",
        value: w.tier,
      },
      {
        ownerId: w.customerGid,
        namespace: "$app:tally",
        key: "points_balance",
        type: "number_integer",
        value: String(w.points),
      },
    ]),
  };
  batch.forEach((w, i) => {
    declarations.push(`$c${i}: ID!`, `$r${i}: [String!]!`, `$a${i}: [String!]!`);
    fields.push(
      `r${i}: tagsRemove(id: $c${i}, tags: $r${i}) { ${ERRORS} }`,
      `a${i}: tagsAdd(id: $c${i}, tags: $a${i}) { ${ERRORS} }`,
    );
    Object.assign(variables, { [`c${i}`]: w.customerGid, [`r${i}`]: [w.oldTag], [`a${i}`]: [w.newTag] });
  });
  return {
    query: `mutation BenchTierWrites(${declarations.join(", ")}) {\n${fields.join("\n")}\n}`,
    variables,
  };
}

/** Sends every write, `IN_FLIGHT` documents at a time; throws on any userError. Returns the documents sent. */
export async function writeDirectly(shop: string, accessToken: string, writes: readonly DirectWrite[]) {
  const client = createAdminClient({ shop, accessToken });
  const batches: DirectWrite[][] = [];
  for (let i = 0; i < writes.length; i += CUSTOMERS_PER_DOCUMENT)
    batches.push(writes.slice(i, i + CUSTOMERS_PER_DOCUMENT));
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < batches.length) {
        const { query, variables } = document(batches[next++]!);
        const data = await client.request<Record<string, { userErrors: unknown[] }>>(query, variables);
        const refused = Object.values(data).find((payload) => payload.userErrors.length > 0);
        if (refused) throw new Error(`the stand-in refused a write: ${JSON.stringify(refused.userErrors)}`);
      }
    }),
  );
  return batches.length;
}
