import { adminQuery, type AdminGraphql } from "./admin-graphql.server";

const SHOP_INFO = `#graphql
  query TallyShopInfo {
    shop {
      currencyCode
    }
  }
`;

export async function fetchShopCurrency(graphql: AdminGraphql): Promise<string> {
  const data = await adminQuery<{ shop: { currencyCode: string } }>(graphql, SHOP_INFO);
  return data.shop.currencyCode;
}
