// Sends Tally's per-customer state (tier tag, `$app:tally` metafields) to the
// Admin API. Which members, and what Shopify holds, is
// app/models/shopify-sync.server.ts; the documents are app/domain/shopify-sync.ts.
import {
  buildSyncDocument,
  CUSTOMER_METAFIELD_DEFINITIONS,
  packWrites,
  readSyncResponse,
  TALLY_NAMESPACE,
  type CustomerWrite,
} from "~/domain/shopify-sync";
import { ShopifyUserError, type AdminClient, type UserError } from "./admin-client.server";

// Documents in flight per shop: the client paces them all by the shop's bucket.
const IN_FLIGHT = 4;
// Shopify charges 10 points per mutation field.
const MUTATION_COST = 10;

export interface PushResult {
  written: CustomerWrite[];
  refused: Array<{ write: CustomerWrite; reason: string }>;
}

/**
 * Writes every customer's changes, batched across customers, handing each
 * document's outcome to `settle` as soon as Shopify answers it (so what was
 * confirmed is recorded while the next documents are in flight). Shopify's
 * refusal of one customer (deleted, a tag it will not take) is reported for
 * that customer; the others are sent again without them. Throttling and
 * outages are retried inside the client; what it gives up on is thrown, and
 * nothing is reported as written that Shopify did not confirm. A `settle`
 * that throws (the sync lost its lease) stops the push.
 */
export async function pushCustomerWrites(
  client: AdminClient,
  writes: readonly CustomerWrite[],
  settle: (outcome: PushResult) => Promise<void>,
): Promise<PushResult> {
  const result: PushResult = { written: [], refused: [] };
  const take = async (outcome: PushResult) => {
    await settle(outcome);
    result.written.push(...outcome.written);
    result.refused.push(...outcome.refused);
  };
  const send = async (batch: CustomerWrite[]) => {
    const outcome = await sendBatch(client, batch);
    await take(outcome);
    // A batch of one has no one else to blame: it is written or refused.
    for (const write of outcome.retry) await take(await sendBatch(client, [write]));
  };
  const batches = packWrites(writes);
  let next = 0;
  let stopped = false;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, async () => {
      try {
        while (next < batches.length && !stopped) await send(batches[next++]!);
      } catch (error) {
        stopped = true;
        throw error;
      }
    }),
  );
  return result;
}

async function sendBatch(client: AdminClient, batch: CustomerWrite[]) {
  const { query, variables, mutations } = buildSyncDocument(batch);
  const data = await client.request<Parameters<typeof readSyncResponse>[1]>(query, variables, {
    expectedCost: mutations * MUTATION_COST,
  });
  return readSyncResponse(batch, data);
}

const DEFINITION_CREATE = `#graphql
  mutation TallyMetafieldDefinition($definition: MetafieldDefinitionInput!) {
    metafieldDefinitionCreate(definition: $definition) {
      createdDefinition { id }
      userErrors { field message code }
    }
  }
`;

export type RunDocument = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

/**
 * Creates the `$app:tally` customer metafield definitions (tier, points
 * balance), readable by the storefront and customer accounts. Idempotent: a
 * definition that already exists (TAKEN) is what we wanted.
 */
export async function ensureCustomerMetafieldDefinitions(run: RunDocument): Promise<void> {
  for (const definition of CUSTOMER_METAFIELD_DEFINITIONS) {
    const data = await run<{ metafieldDefinitionCreate: { userErrors: UserError[] } }>(DEFINITION_CREATE, {
      definition: {
        ...definition,
        namespace: TALLY_NAMESPACE,
        ownerType: "CUSTOMER",
        access: { admin: "MERCHANT_READ", storefront: "PUBLIC_READ", customerAccount: "READ" },
      },
    });
    const errors = data.metafieldDefinitionCreate.userErrors.filter((e) => e.code !== "TAKEN");
    if (errors.length > 0) throw new ShopifyUserError("metafieldDefinitionCreate", errors);
  }
}
