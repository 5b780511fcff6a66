import { describe, expect, it } from "vitest";

import { SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();

const CREATE_BASIC = `mutation CreateReward($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { title codes(first: 1) { nodes { code } } } } }
    userErrors { field code message }
  }
}`;

const CREATE_FREE_SHIPPING = `mutation($input: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

function rewardInput(customerId: string, overrides: Record<string, unknown> = {}) {
  return {
    title: "Loyalty reward 500 pts",
    code: "LOYAL-7F3K-92QD",
    startsAt: "2026-11-23T00:00:00Z",
    endsAt: "2027-02-21T00:00:00Z",
    context: { customers: { add: [customerId] } },
    customerGets: {
      value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } },
      items: { all: true },
    },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.00" } },
    ...overrides,
  };
}

describe("discountCodeBasicCreate", () => {
  it("creates a customer-specific single-use code and keeps the exact input for assertions", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    const input = rewardInput(customerId);

    const { body } = await graphql(CREATE_BASIC, { input });

    const created = body.data.discountCodeBasicCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.codeDiscountNode).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/),
      codeDiscount: { title: "Loyalty reward 500 pts", codes: { nodes: [{ code: "LOYAL-7F3K-92QD" }] } },
    });
    expect(standIn.discounts(SHOP)).toEqual([
      expect.objectContaining({
        id: created.codeDiscountNode.id,
        kind: "basic",
        code: "LOYAL-7F3K-92QD",
        input,
      }),
    ]);
  });

  it("reads the created discount back through discountNode, as Shopify renders it", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    const created = await graphql(CREATE_BASIC, { input: rewardInput(customerId) });

    const { body } = await graphql(
      `
        query ($id: ID!) {
          discountNode(id: $id) {
            discount {
              __typename
              ... on DiscountCodeBasic {
                status
                usageLimit
                appliesOncePerCustomer
                startsAt
                endsAt
                context {
                  ... on DiscountCustomers {
                    customers {
                      id
                    }
                  }
                }
                customerGets {
                  value {
                    ... on DiscountAmount {
                      amount {
                        amount
                        currencyCode
                      }
                      appliesOnEachItem
                    }
                  }
                  items {
                    ... on AllDiscountItems {
                      allItems
                    }
                  }
                }
                minimumRequirement {
                  ... on DiscountMinimumSubtotal {
                    greaterThanOrEqualToSubtotal {
                      amount
                    }
                  }
                }
                combinesWith {
                  orderDiscounts
                  productDiscounts
                  shippingDiscounts
                }
              }
            }
          }
        }
      `,
      { id: created.body.data.discountCodeBasicCreate.codeDiscountNode.id },
    );

    expect(body.errors).toBeUndefined();
    expect(body.data.discountNode.discount).toEqual({
      __typename: "DiscountCodeBasic",
      status: "ACTIVE",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      startsAt: "2026-11-23T00:00:00Z",
      endsAt: "2027-02-21T00:00:00Z",
      context: { customers: [{ id: customerId }] },
      customerGets: {
        value: { amount: { amount: "5.0", currencyCode: "USD" }, appliesOnEachItem: false },
        items: { allItems: true },
      },
      minimumRequirement: { greaterThanOrEqualToSubtotal: { amount: "25.0" } },
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    });
  });

  it("refuses the deprecated codeDiscountNode query by default and serves it when deprecated usage is allowed", async () => {
    const strict = harness.fresh();
    const refused = await strict.graphql(
      `{ codeDiscountNode(id: "gid://shopify/DiscountCodeNode/1") { id } }`,
    );
    const lenient = harness.fresh({ refuseDeprecated: false });
    const customerId = lenient.standIn.addCustomer(SHOP);
    const created = await lenient.graphql(CREATE_BASIC, { input: rewardInput(customerId) });
    const id = created.body.data.discountCodeBasicCreate.codeDiscountNode.id;

    const served = await lenient.graphql(`query($id: ID!) { codeDiscountNode(id: $id) { id } }`, { id });

    expect(refused.body.errors[0]).toMatchObject({
      message: expect.stringContaining(
        "QueryRoot.codeDiscountNode is deprecated. Use `discountNode` instead.",
      ),
      extensions: { code: "DEPRECATED" },
    });
    expect(served.body.data).toEqual({ codeDiscountNode: { id } });
  });

  it("answers a TAKEN userError for a code already in use, case-insensitively", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    await graphql(CREATE_BASIC, { input: rewardInput(customerId, { code: "LOYAL-ONE" }) });

    const { body } = await graphql(CREATE_BASIC, { input: rewardInput(customerId, { code: "loyal-one" }) });

    expect(body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [
        {
          field: ["basicCodeDiscount", "code"],
          code: "TAKEN",
          message: "Code must be unique. Please try a different code.",
        },
      ],
    });
    expect(standIn.discounts(SHOP)).toHaveLength(1);
  });

  it("answers userErrors for an unknown customer in context and for a missing title", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);

    const { body } = await graphql(CREATE_BASIC, {
      input: rewardInput(customerId, {
        title: null,
        context: { customers: { add: ["gid://shopify/Customer/999999"] } },
      }),
    });

    expect(body.data.discountCodeBasicCreate.userErrors).toEqual([
      expect.objectContaining({ field: ["basicCodeDiscount", "title"], code: "BLANK" }),
      expect.objectContaining({
        field: ["basicCodeDiscount", "context", "customers", "add"],
        code: "INVALID",
      }),
    ]);
  });

  it("refuses eligibility it does not model (product items) with an error, not a stored discount", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);

    const { body } = await graphql(CREATE_BASIC, {
      input: rewardInput(customerId, {
        customerGets: {
          value: { percentage: 0.1 },
          items: { products: { productsToAdd: ["gid://shopify/Product/1"] } },
        },
      }),
    });

    expect(body.errors[0].extensions.code).toBe("NOT_IMPLEMENTED_BY_STAND_IN");
    expect(standIn.discounts(SHOP)).toEqual([]);
  });
});

describe("a code's uses", () => {
  const BY_CODE = `query($code: String!) {
    codeDiscountNodeByCode(code: $code) { id codeDiscount { ... on DiscountCodeBasic { asyncUsageCount } } }
  }`;

  it("an order that applied the code counts a use, finds the code by it ignoring case, and lists it in the webhook", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    const { body: created } = await graphql(CREATE_BASIC, { input: rewardInput(customerId) });
    const id = created.data.discountCodeBasicCreate.codeDiscountNode.id;

    const before = (await graphql(BY_CODE, { code: "loyal-7f3k-92qd" })).body.data.codeDiscountNodeByCode;
    const orderId = standIn.addOrder(SHOP, {
      customerId,
      discountCodes: ["loyal-7f3k-92qd"],
      lines: [{ productId: "gid://shopify/Product/1", price: "40.00", discount: "5.00" }],
    });
    const after = (await graphql(BY_CODE, { code: "LOYAL-7F3K-92QD" })).body.data.codeDiscountNodeByCode;

    expect(before).toEqual({ id, codeDiscount: { asyncUsageCount: 0 } });
    expect(after).toEqual({ id, codeDiscount: { asyncUsageCount: 1 } });
    expect(standIn.orderWebhookPayload(SHOP, orderId).discount_codes).toEqual([
      { code: "loyal-7f3k-92qd", amount: "5.00", type: "fixed_amount" },
    ]);
    expect((await graphql(BY_CODE, { code: "NOPE" })).body.data.codeDiscountNodeByCode).toBeNull();
  });

  it("refuses to seed an order with a code the shop does not have", () => {
    const { standIn } = harness.fresh();
    expect(() => standIn.addOrder(SHOP, { discountCodes: ["GHOST"] })).toThrow(/No discount with code GHOST/);
  });
});

describe("discountCodeFreeShippingCreate", () => {
  it("creates a free-shipping code for everyone and shares code uniqueness with basic codes", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    await graphql(CREATE_BASIC, { input: rewardInput(customerId, { code: "SHIPFREE" }) });
    const input = {
      title: "Free shipping reward",
      code: "SHIP-1",
      startsAt: "2026-11-23T00:00:00Z",
      context: { all: "ALL" },
    };

    const created = await graphql(CREATE_FREE_SHIPPING, { input });
    const duplicate = await graphql(CREATE_FREE_SHIPPING, { input: { ...input, code: "SHIPFREE" } });

    expect(created.body.data.discountCodeFreeShippingCreate.userErrors).toEqual([]);
    expect(standIn.discounts(SHOP).find((d) => d.code === "SHIP-1")).toMatchObject({
      kind: "freeShipping",
      input,
    });
    expect(duplicate.body.data.discountCodeFreeShippingCreate.userErrors).toEqual([
      expect.objectContaining({ field: ["freeShippingCodeDiscount", "code"], code: "TAKEN" }),
    ]);
  });
});

describe("storeCreditAccountCredit", () => {
  const CREDIT = `mutation($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction { amount { amount currencyCode } balanceAfterTransaction { amount } account { id balance { amount currencyCode } } }
      userErrors { field code message }
    }
  }`;

  it("creates the customer's account for the currency on first credit and adds to it after", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    const credit = (amount: string) =>
      graphql(CREDIT, { id: customerId, creditInput: { creditAmount: { amount, currencyCode: "USD" } } });

    const first = await credit("5.00");
    const second = await credit("2.50");

    const accountId = first.body.data.storeCreditAccountCredit.storeCreditAccountTransaction.account.id;
    expect(second.body.data.storeCreditAccountCredit).toEqual({
      storeCreditAccountTransaction: {
        amount: { amount: "2.5", currencyCode: "USD" },
        balanceAfterTransaction: { amount: "7.5" },
        account: { id: accountId, balance: { amount: "7.5", currencyCode: "USD" } },
      },
      userErrors: [],
    });
    expect(standIn.storeCreditAccounts(SHOP, customerId)).toEqual([
      expect.objectContaining({ id: accountId, currencyCode: "USD", balance: "7.5" }),
    ]);
  });

  it("answers Shopify's error codes for a zero amount, an unknown owner and a foreign currency", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    const codeOf = async (id: string, amount: string, currencyCode: string) =>
      (await graphql(CREDIT, { id, creditInput: { creditAmount: { amount, currencyCode } } })).body.data
        .storeCreditAccountCredit.userErrors[0]?.code;

    expect(await codeOf(customerId, "0", "USD")).toBe("NEGATIVE_OR_ZERO_AMOUNT");
    expect(await codeOf("gid://shopify/Customer/999999", "1", "USD")).toBe("OWNER_NOT_FOUND");
    expect(await codeOf(customerId, "1", "EUR")).toBe("UNSUPPORTED_CURRENCY");
    expect(await codeOf("gid://shopify/StoreCreditAccount/999999", "1", "USD")).toBe("ACCOUNT_NOT_FOUND");
  });
});
