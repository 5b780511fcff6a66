import { describe, expect, it } from "vitest";

import { SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();

const TAGS_ADD = `mutation($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { ... on Customer { id tags } } userErrors { field message } }
}`;
const TAGS_REMOVE = `mutation($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) { node { ... on Customer { tags } } userErrors { field message } }
}`;
const METAFIELDS_SET = `mutation($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { namespace key type value jsonValue }
    userErrors { field code message }
  }
}`;

describe("customer queries", () => {
  it("returns a seeded customer by GID and null for an unknown one", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addCustomer(SHOP, {
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      tags: ["vip"],
    });

    const { body } = await graphql(
      `
        query ($id: ID!, $missing: ID!) {
          customer(id: $id) {
            id
            firstName
            lastName
            displayName
            tags
            defaultEmailAddress {
              emailAddress
            }
          }
          missing: customer(id: $missing) {
            id
          }
        }
      `,
      { id, missing: "gid://shopify/Customer/999999" },
    );

    expect(id).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    expect(body.data).toEqual({
      customer: {
        id,
        firstName: "Ada",
        lastName: "Lovelace",
        displayName: "Ada Lovelace",
        tags: ["vip"],
        defaultEmailAddress: { emailAddress: "ada@example.com" },
      },
      missing: null,
    });
  });

  it("refuses a malformed GID as Shopify does", async () => {
    const { graphql } = harness.fresh();

    const { body } = await graphql(`
      {
        customer(id: "42") {
          id
        }
      }
    `);

    expect(body.errors[0]).toMatchObject({ message: "Invalid global id '42'", path: ["customer"] });
  });
});

describe("tagsAdd and tagsRemove", () => {
  it("adds tags (comma-separated strings too), keeping them unique and sorted, then removes them", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addCustomer(SHOP, { tags: ["vip"] });

    const added = await graphql(TAGS_ADD, { id, tags: ["tally-gold, tally-member", "VIP"] });
    const removed = await graphql(TAGS_REMOVE, { id, tags: ["tally-gold"] });

    expect(added.body.data.tagsAdd).toEqual({
      node: { id, tags: ["tally-gold", "tally-member", "vip"] },
      userErrors: [],
    });
    expect(removed.body.data.tagsRemove.node.tags).toEqual(["tally-member", "vip"]);
    expect(standIn.customer(SHOP, id)?.tags).toEqual(["tally-member", "vip"]);
  });

  it("answers a userError for a customer that does not exist", async () => {
    const { graphql } = harness.fresh();

    const { body } = await graphql(TAGS_ADD, { id: "gid://shopify/Customer/999999", tags: ["x"] });

    expect(body.data.tagsAdd).toEqual({
      node: null,
      userErrors: [{ field: ["id"], message: "Customer does not exist" }],
    });
  });
});

describe("metafieldsSet", () => {
  it("expands $app namespaces to the app's reserved namespace and reads them back", async () => {
    const { standIn, graphql } = harness.fresh({ appId: "4242" });
    const id = standIn.addCustomer(SHOP);

    const set = await graphql(METAFIELDS_SET, {
      metafields: [
        { ownerId: id, namespace: "$app:loyalty", key: "points", type: "number_integer", value: "120" },
      ],
    });
    const read = await graphql(
      `
        query ($id: ID!) {
          customer(id: $id) {
            metafield(namespace: "$app:loyalty", key: "points") {
              value
            }
          }
        }
      `,
      { id },
    );

    expect(set.body.data.metafieldsSet).toEqual({
      metafields: [
        {
          namespace: "app--4242--loyalty",
          key: "points",
          type: "number_integer",
          value: "120",
          jsonValue: 120,
        },
      ],
      userErrors: [],
    });
    expect(read.body.data.customer.metafield).toEqual({ value: "120" });
    expect(standIn.metafieldsOf(SHOP, id)).toEqual([
      expect.objectContaining({ namespace: "app--4242--loyalty", value: "120" }),
    ]);
  });

  it("sets app-data metafields on the current app installation", async () => {
    const { standIn, graphql } = harness.fresh();
    const installation = standIn.state(SHOP).shop.appInstallationId;

    const { body } = await graphql(METAFIELDS_SET, {
      metafields: [
        { ownerId: installation, namespace: "$app", key: "enabled", type: "boolean", value: "true" },
      ],
    });

    expect(body.data.metafieldsSet.userErrors).toEqual([]);
    expect(standIn.metafieldsOf(SHOP, installation)).toEqual([
      expect.objectContaining({ key: "enabled", value: "true" }),
    ]);
  });

  it("refuses more than 25 metafields in one call with Shopify's input-size error", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addCustomer(SHOP);
    const metafields = Array.from({ length: 26 }, (_, i) => ({
      ownerId: id,
      namespace: "$app:loyalty",
      key: `k${i}`,
      type: "number_integer",
      value: "1",
    }));

    const { body } = await graphql(METAFIELDS_SET, { metafields });

    expect(body.errors).toEqual([
      expect.objectContaining({
        message: "The input array size of 26 is greater than the maximum allowed of 25.",
        extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
      }),
    ]);
    expect(standIn.metafieldsOf(SHOP, id)).toEqual([]);
  });

  it("is atomic: one invalid value means nothing is written", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addCustomer(SHOP);

    const { body } = await graphql(METAFIELDS_SET, {
      metafields: [
        { ownerId: id, namespace: "$app:loyalty", key: "points", type: "number_integer", value: "10" },
        { ownerId: id, namespace: "$app:loyalty", key: "tier", type: "number_integer", value: "gold" },
      ],
    });

    expect(body.data.metafieldsSet).toEqual({
      metafields: [],
      userErrors: [
        { field: ["metafields", "1", "value"], code: "INVALID_VALUE", message: "Value must be an integer." },
      ],
    });
    expect(standIn.metafieldsOf(SHOP, id)).toEqual([]);
  });

  it("refuses an unknown owner and a missing type", async () => {
    const { graphql } = harness.fresh();

    const { body } = await graphql(METAFIELDS_SET, {
      metafields: [
        { ownerId: "gid://shopify/Customer/999999", namespace: "$app:loyalty", key: "points", value: "1" },
      ],
    });

    expect(body.data.metafieldsSet.userErrors.map((e: { code: string }) => e.code)).toEqual([
      "INVALID",
      "BLANK",
    ]);
  });

  it("uses a definition's type when the input omits it, and refuses a conflicting one", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addCustomer(SHOP);
    const created = await graphql(
      `
        mutation ($definition: MetafieldDefinitionInput!) {
          metafieldDefinitionCreate(definition: $definition) {
            createdDefinition {
              namespace
              key
              ownerType
              type {
                name
              }
              access {
                admin
                storefront
                customerAccount
              }
            }
            userErrors {
              field
              code
              message
            }
          }
        }
      `,
      {
        definition: {
          name: "Loyalty points",
          namespace: "$app:loyalty",
          key: "points",
          ownerType: "CUSTOMER",
          type: "number_integer",
          access: { storefront: "PUBLIC_READ", customerAccount: "READ" },
        },
      },
    );

    const untyped = await graphql(METAFIELDS_SET, {
      metafields: [{ ownerId: id, namespace: "$app:loyalty", key: "points", value: "5" }],
    });
    const conflicting = await graphql(METAFIELDS_SET, {
      metafields: [
        { ownerId: id, namespace: "$app:loyalty", key: "points", type: "single_line_text_field", value: "5" },
      ],
    });

    expect(created.body.data.metafieldDefinitionCreate).toEqual({
      createdDefinition: {
        namespace: `app--${standIn.appId}--loyalty`,
        key: "points",
        ownerType: "CUSTOMER",
        type: { name: "number_integer" },
        access: { admin: "MERCHANT_READ", storefront: "PUBLIC_READ", customerAccount: "READ" },
      },
      userErrors: [],
    });
    expect(untyped.body.data.metafieldsSet.metafields).toEqual([
      expect.objectContaining({ type: "number_integer" }),
    ]);
    expect(conflicting.body.data.metafieldsSet.userErrors).toEqual([
      expect.objectContaining({ code: "INVALID_TYPE" }),
    ]);
  });

  it("refuses a second definition for the same owner type, namespace and key", async () => {
    const { graphql } = harness.fresh();
    const create = () =>
      graphql(
        `
          mutation ($definition: MetafieldDefinitionInput!) {
            metafieldDefinitionCreate(definition: $definition) {
              createdDefinition {
                id
              }
              userErrors {
                field
                code
              }
            }
          }
        `,
        {
          definition: {
            name: "Points",
            namespace: "$app:loyalty",
            key: "points",
            ownerType: "CUSTOMER",
            type: "number_integer",
          },
        },
      );

    await create();
    const { body } = await create();

    expect(body.data.metafieldDefinitionCreate).toEqual({
      createdDefinition: null,
      userErrors: [{ field: ["definition", "key"], code: "TAKEN" }],
    });
  });

  it("honours compareDigest: a stale digest is refused with STALE_OBJECT", async () => {
    const { standIn, graphql } = harness.fresh();
    const id = standIn.addCustomer(SHOP, {
      metafields: [{ namespace: "$app:loyalty", key: "points", type: "number_integer", value: "10" }],
    });
    const read = await graphql(
      `
        query ($id: ID!) {
          customer(id: $id) {
            metafield(namespace: "$app:loyalty", key: "points") {
              compareDigest
            }
          }
        }
      `,
      { id },
    );
    const digest = read.body.data.customer.metafield.compareDigest;
    const write = (value: string) =>
      graphql(METAFIELDS_SET, {
        metafields: [
          {
            ownerId: id,
            namespace: "$app:loyalty",
            key: "points",
            type: "number_integer",
            value,
            compareDigest: digest,
          },
        ],
      });

    const first = await write("20");
    const second = await write("30");

    expect(first.body.data.metafieldsSet.userErrors).toEqual([]);
    expect(second.body.data.metafieldsSet.userErrors).toEqual([
      expect.objectContaining({ code: "STALE_OBJECT" }),
    ]);
    expect(standIn.metafieldsOf(SHOP, id)[0]?.value).toBe("20");
  });
});

describe("metafieldsDelete", () => {
  it("deletes by owner, namespace and key, and answers null for one that is not there", async () => {
    const { standIn, graphql } = harness.fresh({ appId: "4242" });
    const id = standIn.addCustomer(SHOP);
    await graphql(METAFIELDS_SET, {
      metafields: [
        { ownerId: id, namespace: "$app:tally", key: "tier", type: "single_line_text_field", value: "Gold" },
        { ownerId: id, namespace: "$app:tally", key: "points_balance", type: "number_integer", value: "5" },
      ],
    });

    const { body } = await graphql(
      `
        mutation ($metafields: [MetafieldIdentifierInput!]!) {
          metafieldsDelete(metafields: $metafields) {
            deletedMetafields {
              ownerId
              namespace
              key
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
      {
        metafields: [
          { ownerId: id, namespace: "$app:tally", key: "tier" },
          { ownerId: id, namespace: "$app:tally", key: "never_set" },
        ],
      },
    );

    expect(body.data.metafieldsDelete).toEqual({
      deletedMetafields: [{ ownerId: id, namespace: "app--4242--tally", key: "tier" }, null],
      userErrors: [],
    });
    expect(standIn.metafieldsOf(SHOP, id).map((m) => m.key)).toEqual(["points_balance"]);
  });
});
