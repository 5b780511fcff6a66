import { GraphqlQueryError, Session } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";

import { realShopifyApi, SHOP, standInPerTest } from "./harness";

const harness = standInPerTest();
const api = realShopifyApi();

function offlineSession(accessToken: string) {
  return new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken });
}

describe("shopify-api's GraphQL client against the stand-in", () => {
  it("queries shop and app installation, receiving Shopify's cost extension", async () => {
    const { standIn, token } = harness.fresh();
    const client = new api.clients.Graphql({ session: offlineSession(token) });

    const response = await client.request(
      `query ShopInfo { shop { id name currencyCode myshopifyDomain } currentAppInstallation { id } }`,
    );

    expect(response.data).toEqual({
      shop: {
        id: standIn.state(SHOP).shop.id,
        name: "Tally Test",
        currencyCode: "USD",
        myshopifyDomain: SHOP,
      },
      currentAppInstallation: { id: standIn.state(SHOP).shop.appInstallationId },
    });
    expect(response.extensions?.cost).toMatchObject({
      requestedQueryCost: 2,
      actualQueryCost: 2,
      throttleStatus: { maximumAvailable: 2000, restoreRate: 100 },
    });
  });

  it("surfaces a refused document as the library's GraphqlQueryError with Shopify's error body", async () => {
    const { token } = harness.fresh();
    const client = new api.clients.Graphql({ session: offlineSession(token) });

    const error = await client.request(`{ shop { notAField } }`).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GraphqlQueryError);
    expect((error as GraphqlQueryError).body).toMatchObject({
      errors: {
        graphQLErrors: [
          expect.objectContaining({ extensions: expect.objectContaining({ code: "undefinedField" }) }),
        ],
      },
    });
  });

  it("logs the operation, its root fields and variables for assertions", async () => {
    const { standIn, token } = harness.fresh();
    const customerId = standIn.addCustomer(SHOP, { firstName: "Ada" });
    const client = new api.clients.Graphql({ session: offlineSession(token) });

    await client.request(`query Customer($id: ID!) { customer(id: $id) { id firstName } }`, {
      variables: { id: customerId },
    });

    expect(standIn.graphqlRequests(SHOP)).toEqual([
      expect.objectContaining({
        status: 200,
        outcome: "ok",
        operationName: "Customer",
        operationType: "query",
        rootFields: ["customer"],
        variables: { id: customerId },
      }),
    ]);
  });
});
