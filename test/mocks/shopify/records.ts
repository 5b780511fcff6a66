/** What the stand-in stores. GraphQL views (graphql/views.ts) are built from these on demand. */
import type { MetafieldStore } from "./metafield-store";

export interface ShopRecord {
  domain: string;
  id: string;
  name: string;
  currencyCode: string;
  /** Currencies store credit may be issued in; Shopify ties these to the shop's markets. */
  enabledPresentmentCurrencies: string[];
  appInstallationId: string;
  email: string;
  ianaTimezone: string;
}

export interface AccessTokenRecord {
  token: string;
  shop: string;
  kind: "offline" | "online";
  scope: string;
  /** null for non-expiring offline tokens. */
  expiresAt: number | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: number | null;
  userId: string | null;
  revoked: boolean;
}

export interface CustomerRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export interface MetafieldRecord {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: number;
  updatedAt: number;
}

/** MetafieldDefinitionInput, as far as the stand-in reads it. */
export interface MetafieldDefinitionInput {
  name: string;
  key: string;
  namespace?: string | null;
  ownerType: string;
  type: string;
  description?: string | null;
  access?: { admin?: string | null; storefront?: string | null; customerAccount?: string | null } | null;
}

export interface MetafieldDefinitionRecord {
  id: string;
  ownerType: string;
  namespace: string;
  key: string;
  name: string;
  type: string;
  description: string | null;
  access: { admin: string | null; storefront: string | null; customerAccount: string };
  /** The definition input exactly as received, so tests can assert what the app declared. */
  input: MetafieldDefinitionInput;
}

export type FinancialStatus =
  | "AUTHORIZED"
  | "EXPIRED"
  | "PAID"
  | "PARTIALLY_PAID"
  | "PARTIALLY_REFUNDED"
  | "PENDING"
  | "REFUNDED"
  | "VOIDED";

export interface TaxLineRecord {
  title: string;
  /** A proportion, as Shopify reports it (0.06 for 6 %). */
  rate: number;
  price: string;
}

export interface LineItemRecord {
  id: string;
  title: string;
  /** null once the product is deleted, or for a custom item. */
  productId: string | null;
  quantity: number;
  giftCard: boolean;
  /** Unit price before discounts. */
  price: string;
  /** Allocated from order-level discounts, such as a code for an amount off the order. */
  orderDiscount: string;
  /** Allocated from automatic line-level (product) discounts. */
  lineDiscount: string;
  taxLines: TaxLineRecord[];
}

export interface ShippingLineRecord {
  id: string;
  title: string;
  price: string;
  discountedPrice: string;
  taxLines: TaxLineRecord[];
}

export interface RefundLineRecord {
  id: string;
  lineItemId: string;
  quantity: number;
  subtotal: string;
  tax: string;
}

export interface RefundShippingRecord {
  id: string;
  shippingLineId: string;
  subtotal: string;
  tax: string;
}

export interface RefundRecord {
  id: string;
  orderId: string;
  createdAt: number;
  lines: RefundLineRecord[];
  shipping: RefundShippingRecord[];
  /** What went back to the customer: subtotals, plus taxes unless prices include them. */
  totalRefunded: string;
}

/** Money fields are decimal strings in shop currency; presentment amounts equal them. */
export interface OrderRecord {
  id: string;
  discountCodes: string[];
  name: string;
  number: number;
  email: string | null;
  customerId: string | null;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  displayFinancialStatus: FinancialStatus;
  currencyCode: string;
  presentmentCurrencyCode: string;
  test: boolean;
  tags: string[];
  subtotalPrice: string;
  totalPrice: string;
  totalDiscounts: string;
  totalTax: string;
  totalShippingPrice: string;
  totalRefunded: string;
  currentSubtotalPrice: string;
  currentTotalPrice: string;
  taxesIncluded: boolean;
  fulfilled: boolean;
  /**
   * null when the order was seeded from totals alone: its line items, shipping lines and refunds
   * are then unknown, and asking for them is an error rather than an empty list.
   */
  lines: LineItemRecord[] | null;
  shippingLines: ShippingLineRecord[];
  refunds: RefundRecord[];
}

/** DiscountCodeBasicInput and DiscountCodeFreeShippingInput, as far as the stand-in reads them. */
export interface DiscountInput {
  title?: string | null;
  code?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean | null;
  recurringCycleLimit?: number | null;
  tags?: string[] | null;
  combinesWith?: {
    orderDiscounts?: boolean | null;
    productDiscounts?: boolean | null;
    shippingDiscounts?: boolean | null;
    productDiscountsWithTagsOnSameCartLine?: string[] | null;
  } | null;
  context?: {
    all?: string | null;
    customers?: { add?: string[] | null; remove?: string[] | null } | null;
    customerSegments?: unknown;
    markets?: unknown;
  } | null;
  minimumRequirement?: {
    subtotal?: { greaterThanOrEqualToSubtotal?: string | number | null } | null;
    quantity?: { greaterThanOrEqualToQuantity?: string | number | null } | null;
  } | null;
  customerGets?: {
    value?: {
      percentage?: number | null;
      discountAmount?: { amount: string | number; appliesOnEachItem?: boolean | null } | null;
      discountOnQuantity?: unknown;
    } | null;
    items?: { all?: boolean | null; products?: unknown; collections?: unknown } | null;
    appliesOnOneTimePurchase?: boolean | null;
    appliesOnSubscription?: boolean | null;
  } | null;
  destination?: {
    all?: boolean | null;
    countries?: { add?: string[] | null; includeRestOfWorld?: boolean | null } | null;
  } | null;
  maximumShippingPrice?: string | number | null;
  appliesOnOneTimePurchase?: boolean | null;
  appliesOnSubscription?: boolean | null;
}

export interface DiscountRecord {
  /** DiscountCodeNode GID. */
  id: string;
  kind: "basic" | "freeShipping";
  code: string;
  redeemCodeId: string;
  /** Orders that used the code (Shopify's asyncUsageCount). */
  usageCount: number;
  /** The coerced mutation input exactly as the app sent it. */
  input: DiscountInput;
  createdAt: number;
  updatedAt: number;
}

export interface StoreCreditAccountRecord {
  id: string;
  ownerId: string;
  currencyCode: string;
  balance: string;
}

export interface StoreCreditTransactionRecord {
  id: string;
  accountId: string;
  amount: string;
  balanceAfterTransaction: string;
  createdAt: number;
  expiresAt: number | null;
}

/** Everything the stand-in knows about one shop. */
export interface ShopState {
  shop: ShopRecord;
  customers: Map<string, CustomerRecord>;
  orders: Map<string, OrderRecord>;
  metafields: MetafieldStore;
  metafieldDefinitions: MetafieldDefinitionRecord[];
  discounts: Map<string, DiscountRecord>;
  storeCreditAccounts: Map<string, StoreCreditAccountRecord>;
  storeCreditTransactions: StoreCreditTransactionRecord[];
}
