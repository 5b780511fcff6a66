// The Shopify side of a redemption: make the discount code or add the store
// credit, and find out later whether a code exists and was used.
import type { ShopifyReward } from "~/domain/redemption";
import type { AdminClient, UserError } from "./admin-client.server";

const BASIC_CREATE = /* GraphQL */ `
  mutation TallyRewardBasicCode($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const FREE_SHIPPING_CREATE = /* GraphQL */ `
  mutation TallyRewardFreeShippingCode($input: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const STORE_CREDIT = /* GraphQL */ `
  mutation TallyRewardStoreCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const CODE_LOOKUP = /* GraphQL */ `
  query TallyRewardCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          asyncUsageCount
        }
        ... on DiscountCodeFreeShipping {
          asyncUsageCount
        }
      }
    }
  }
`;

export type IssueResult = { ok: true; shopifyId: string } | { ok: false; refusal: string };

interface CreatePayload {
  userErrors: UserError[];
  codeDiscountNode?: { id: string } | null;
  storeCreditAccountTransaction?: { id: string } | null;
}

function describe(errors: UserError[]): string {
  return errors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
}

/**
 * Asks Shopify for the reward. A refusal (userErrors) is returned; anything
 * else that goes wrong (timeouts, Shopify down) is thrown, because then we
 * cannot know whether the code was made.
 */
export async function issueReward(
  client: AdminClient,
  reward: ShopifyReward,
  customerGid: string,
): Promise<IssueResult> {
  let payload: CreatePayload;
  if (reward.mutation === "storeCreditAccountCredit") {
    const data = await client.request<{ storeCreditAccountCredit: CreatePayload }>(STORE_CREDIT, {
      id: customerGid,
      creditInput: { creditAmount: { amount: reward.amount, currencyCode: reward.currency } },
    });
    payload = data.storeCreditAccountCredit;
  } else if (reward.mutation === "discountCodeBasicCreate") {
    const data = await client.request<{ discountCodeBasicCreate: CreatePayload }>(BASIC_CREATE, {
      input: reward.input,
    });
    payload = data.discountCodeBasicCreate;
  } else {
    const data = await client.request<{ discountCodeFreeShippingCreate: CreatePayload }>(
      FREE_SHIPPING_CREATE,
      { input: reward.input },
    );
    payload = data.discountCodeFreeShippingCreate;
  }
  if (payload.userErrors.length > 0) return { ok: false, refusal: describe(payload.userErrors) };
  const id = payload.codeDiscountNode?.id ?? payload.storeCreditAccountTransaction?.id;
  if (!id) return { ok: false, refusal: "Shopify answered without the new reward's id" };
  return { ok: true, shopifyId: id };
}

/** The code's discount in Shopify and how many orders used it, or null if there is none. */
export async function lookUpCode(
  client: AdminClient,
  code: string,
): Promise<{ shopifyId: string; usageCount: number } | null> {
  const data = await client.request<{
    codeDiscountNodeByCode: { id: string; codeDiscount: { asyncUsageCount?: number } } | null;
  }>(CODE_LOOKUP, { code });
  const node = data.codeDiscountNodeByCode;
  return node ? { shopifyId: node.id, usageCount: node.codeDiscount.asyncUsageCount ?? 0 } : null;
}
