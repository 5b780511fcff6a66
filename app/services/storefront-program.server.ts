// Publishes the shop's program (earn rate, rewards) as the app-data
// metafield `tally.program`, which the theme extension reads in Liquid as
// `app.metafields.tally.program.value` (docs/storefront.md).
import { recordProgramPublished, unpublishedProgram } from "~/models/storefront-program.server";
import { ShopifyUserError, type UserError } from "./admin-client.server";
import type { RunDocument } from "./customer-sync.server";

const INSTALLATION = /* GraphQL */ `
  query TallyAppInstallation {
    currentAppInstallation {
      id
    }
  }
`;

const SET = /* GraphQL */ `
  mutation TallyPublishProgram($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** Publishes if the program changed since Shopify's copy; returns whether it did. */
export async function publishStorefrontProgram(shop: string, run: RunDocument): Promise<boolean> {
  const unpublished = await unpublishedProgram(shop);
  if (!unpublished) return false;
  const { currentAppInstallation } = await run<{ currentAppInstallation: { id: string } }>(INSTALLATION, {});
  const data = await run<{ metafieldsSet: { userErrors: UserError[] } }>(SET, {
    metafields: [
      {
        ownerId: currentAppInstallation.id,
        namespace: "tally",
        key: "program",
        type: "json",
        value: JSON.stringify(unpublished.program),
      },
    ],
  });
  if (data.metafieldsSet.userErrors.length > 0) {
    throw new ShopifyUserError("metafieldsSet", data.metafieldsSet.userErrors);
  }
  await recordProgramPublished(shop, unpublished.mark);
  return true;
}
