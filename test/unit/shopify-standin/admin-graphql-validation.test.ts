import { describe, expect, it } from "vitest";

import { adminGraphql, GRAPHQL_URL, SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();

const CREATE_BASIC = `mutation CreateReward($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

function rewardInput(customerId: string, overrides: Record<string, unknown> = {}) {
  return {
    title: "Loyalty reward 500 pts",
    code: "LOYAL-7F3K",
    startsAt: "2026-11-23T00:00:00Z",
    context: { customers: { add: [customerId] } },
    customerGets: {
      value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } },
      items: { all: true },
    },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    ...overrides,
  };
}

const codes = (body: { errors?: { extensions: { code: string } }[] }) =>
  body.errors?.map((e) => e.extensions.code);

describe("Admin GraphQL document validation against the 2026-10 schema", () => {
  it("answers a syntax error with Shopify's error shape and no data", async () => {
    const { graphql } = harness.fresh();

    const { status, body } = await graphql("{ shop { id ");

    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: expect.any(String),
        locations: [expect.objectContaining({ line: 1 })],
        extensions: { code: "PARSE_ERROR" },
      },
    ]);
  });

  it("refuses a field the schema does not have", async () => {
    const { graphql } = harness.fresh();

    const { body } = await graphql("{ shop { id loyaltyPoints } }");

    expect(codes(body)).toEqual(["undefinedField"]);
    expect(body.errors[0]).toMatchObject({ locations: [{ line: 1, column: 13 }] });
  });

  it("refuses a variable of the wrong type (usageLimit as a string)", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);

    const { body } = await graphql(CREATE_BASIC, { input: rewardInput(customerId, { usageLimit: "1" }) });

    expect(codes(body)).toEqual(["INVALID_VARIABLE"]);
    expect(body.errors[0].message).toMatch(/usageLimit/);
    expect(standIn.discounts(SHOP)).toEqual([]);
  });

  it("refuses a @oneOf context with two keys, in variables and in literals", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);

    const viaVariables = await graphql(CREATE_BASIC, {
      input: rewardInput(customerId, { context: { all: "ALL", customers: { add: [customerId] } } }),
    });
    const viaLiteral = await graphql(`
      mutation {
        discountCodeFreeShippingCreate(
          freeShippingCodeDiscount: {
            title: "x"
            code: "X"
            startsAt: "2026-01-01T00:00:00Z"
            context: { all: ALL, customers: { add: [] } }
          }
        ) {
          userErrors {
            message
          }
        }
      }
    `);

    expect(codes(viaVariables.body)).toEqual(["INVALID_VARIABLE"]);
    expect(viaVariables.body.errors[0].message).toMatch(
      /Exactly one key must be specified for OneOf type "DiscountContextInput"/,
    );
    expect(codes(viaLiteral.body)).toEqual(["oneOfInputObjectInvalid"]);
  });

  it("refuses the deprecated customerSelection input, whether passed as a variable or a literal", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);
    const { context: _context, ...withoutContext } = rewardInput(customerId);

    const viaVariables = await graphql(CREATE_BASIC, {
      input: { ...withoutContext, customerSelection: { customers: { add: [customerId] } } },
    });
    const viaLiteral = await graphql(`
      mutation {
        discountCodeFreeShippingCreate(
          freeShippingCodeDiscount: {
            title: "x"
            code: "X"
            startsAt: "2026-01-01T00:00:00Z"
            customerSelection: { all: true }
          }
        ) {
          userErrors {
            message
          }
        }
      }
    `);

    expect(codes(viaVariables.body)).toEqual(["DEPRECATED"]);
    expect(viaVariables.body.errors[0].message).toMatch(
      /DiscountCodeBasicInput.customerSelection .*is deprecated\. Use `context` instead/,
    );
    expect(codes(viaLiteral.body)).toEqual(["DEPRECATED"]);
    expect(standIn.discounts(SHOP)).toEqual([]);
  });

  it("refuses a root field it does not implement instead of answering with made-up data", async () => {
    const { graphql } = harness.fresh();

    const query = await graphql("{ shop { id } products(first: 1) { nodes { id } } }");
    const mutation = await graphql(`
      mutation {
        customerDelete(input: { id: "gid://shopify/Customer/1" }) {
          deletedCustomerId
        }
      }
    `);

    expect(query.body.data).toBeUndefined();
    expect(query.body.errors).toEqual([
      expect.objectContaining({
        message: "The Shopify stand-in does not implement QueryRoot.products",
        path: ["products"],
        extensions: { code: "NOT_IMPLEMENTED_BY_STAND_IN" },
      }),
    ]);
    expect(mutation.body.errors[0].message).toBe(
      "The Shopify stand-in does not implement Mutation.customerDelete",
    );
  });

  it("refuses a nested field it does not model with an error at that path, not a null", async () => {
    const { standIn, graphql } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP);

    const { body } = await graphql(
      `
        query ($id: ID!) {
          customer(id: $id) {
            id
            note
          }
        }
      `,
      { id: customerId },
    );

    expect(body.errors).toEqual([
      expect.objectContaining({
        message: "The Shopify stand-in does not implement Customer.note",
        path: ["customer", "note"],
        extensions: { code: "NOT_IMPLEMENTED_BY_STAND_IN" },
      }),
    ]);
  });

  it("answers 401 with Shopify's message for a missing or foreign access token", async () => {
    const { standIn } = harness.fresh();
    standIn.addShop({ domain: "other.myshopify.com" });
    const foreign = standIn.issueToken("other.myshopify.com", { kind: "offline", expiring: false }).token;

    const missing = await adminGraphql("", "{ shop { id } }");
    const wrongShop = await adminGraphql(foreign, "{ shop { id } }");

    for (const response of [missing, wrongShop]) {
      expect(response).toEqual({
        status: 401,
        body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
      });
    }
  });

  it("answers 401 once the app is uninstalled from the shop", async () => {
    const { standIn, graphql } = harness.fresh();

    standIn.uninstall(SHOP);

    expect((await graphql("{ shop { id } }")).status).toBe(401);
  });

  it("answers 404 for any API version other than 2026-10", async () => {
    const { token } = harness.fresh();

    const response = await adminGraphql(
      token,
      "{ shop { id } }",
      {},
      GRAPHQL_URL.replace("2026-10", "2026-07"),
    );

    expect(response.status).toBe(404);
  });

  it("answers 400 when the body carries no query", async () => {
    const { token } = harness.fresh();

    const response = await fetch(GRAPHQL_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ variables: {} }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: { query: "Required parameter missing or invalid" } });
  });
});
