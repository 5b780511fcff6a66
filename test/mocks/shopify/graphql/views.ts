import { createHash } from "node:crypto";

import { toShopifyDateTime } from "../clock";
import { gid } from "../ids";
import { addDecimals, formatDecimal, normalizeDecimal, parseDecimal } from "../decimal";
import type {
  CustomerRecord,
  DiscountInput,
  DiscountRecord,
  MetafieldDefinitionRecord,
  MetafieldRecord,
  OrderRecord,
  StoreCreditAccountRecord,
  StoreCreditTransactionRecord,
} from "../records";
import { idConnection, numericId, type ConnectionArgs } from "./connection";
import type { ResolverContext } from "./context";
import { notImplemented } from "./errors";
import { orderContentFields } from "./order-views";
import { ordersConnection, type OrdersArgs } from "./orders-query";

/*
 * Views turn records into objects shaped like Admin API types. Each view lists exactly the fields
 * the stand-in models; strictFieldResolver turns a request for any other field into an error, so
 * an unmodelled field can never come back as a silent null.
 */

export function moneyV2(amount: string, currencyCode: string) {
  return { __typename: "MoneyV2", amount, currencyCode };
}

export function moneyBag(amount: string, shopCurrency: string, presentmentCurrency: string) {
  return {
    __typename: "MoneyBag",
    shopMoney: moneyV2(amount, shopCurrency),
    presentmentMoney: moneyV2(amount, presentmentCurrency),
  };
}

export function shopView(ctx: ResolverContext) {
  const { shop } = ctx.state;
  return {
    __typename: "Shop",
    id: shop.id,
    name: shop.name,
    currencyCode: shop.currencyCode,
    enabledPresentmentCurrencies: shop.enabledPresentmentCurrencies,
    myshopifyDomain: shop.domain,
    email: shop.email,
    ianaTimezone: shop.ianaTimezone,
    ...metafieldAccessors(ctx, shop.id),
  };
}

export function appInstallationView(ctx: ResolverContext) {
  return {
    __typename: "AppInstallation",
    id: ctx.state.shop.appInstallationId,
    ...metafieldAccessors(ctx, ctx.state.shop.appInstallationId),
  };
}

export function customerView(ctx: ResolverContext, customer: CustomerRecord) {
  const orders = () => [...ctx.state.orders.values()].filter((o) => o.customerId === customer.id);
  const displayName = [customer.firstName, customer.lastName].filter(Boolean).join(" ");
  return {
    __typename: "Customer",
    id: customer.id,
    legacyResourceId: String(numericId(customer.id)),
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName: displayName || customer.email || "",
    email: customer.email,
    defaultEmailAddress: customer.email
      ? { __typename: "CustomerEmailAddress", emailAddress: customer.email }
      : null,
    tags: customer.tags,
    createdAt: toShopifyDateTime(customer.createdAt),
    updatedAt: toShopifyDateTime(customer.updatedAt),
    numberOfOrders: String(orders().length),
    amountSpent: () =>
      moneyV2(
        orders()
          .filter((o) => o.cancelledAt === null)
          .reduce((sum, o) => addDecimals(sum, o.currentTotalPrice), "0"),
        ctx.state.shop.currencyCode,
      ),
    orders: (args: OrdersArgs) => ordersConnection(ctx, orders(), args),
    storeCreditAccounts: (args: ConnectionArgs & { query?: string | null }) => {
      if (args.query) throw notImplemented("StoreCreditAccount search queries");
      const accounts = [...ctx.state.storeCreditAccounts.values()].filter((a) => a.ownerId === customer.id);
      return idConnection(accounts, args, (account) => storeCreditAccountView(ctx, account));
    },
    ...metafieldAccessors(ctx, customer.id),
  };
}

/** `metafield(namespace, key)` and `metafields(...)` for any HasMetafields owner. */
function metafieldAccessors(ctx: ResolverContext, ownerId: string) {
  const owned = () => ctx.state.metafields.ofOwner(ownerId);
  return {
    metafield: (args: { namespace?: string | null; key: string }) => {
      const namespace = ctx.standIn.expandNamespace(args.namespace);
      const found = owned().find((m) => m.namespace === namespace && m.key === args.key);
      return found ? metafieldView(ctx, found) : null;
    },
    metafields: (
      args: ConnectionArgs & { namespace?: string | null; keys?: string[] | null; reverse?: boolean },
    ) => {
      const namespace =
        args.namespace === undefined || args.namespace === null
          ? null
          : ctx.standIn.expandNamespace(args.namespace);
      const keys = args.keys?.map((k) => {
        const dot = k.lastIndexOf(".");
        return `${ctx.standIn.expandNamespace(k.slice(0, dot))}.${k.slice(dot + 1)}`;
      });
      const items = owned().filter(
        (m) =>
          (namespace === null || m.namespace === namespace) &&
          (!keys || keys.includes(`${m.namespace}.${m.key}`)),
      );
      return idConnection(items, args, (m) => metafieldView(ctx, m), args.reverse);
    },
  };
}

/** Opaque per-value digest for compare-and-set; Shopify's is likewise a hash of the stored value. */
export function metafieldDigest(metafield: Pick<MetafieldRecord, "type" | "value">): string {
  return createHash("sha256").update(`${metafield.type}\u0000${metafield.value}`).digest("hex");
}

const OWNER_TYPES: Record<string, string> = {
  Customer: "CUSTOMER",
  Shop: "SHOP",
  AppInstallation: "API_PERMISSION",
  Order: "ORDER",
};

export function metafieldView(ctx: ResolverContext, metafield: MetafieldRecord) {
  const ownerTypeName = metafield.ownerId.split("/")[3] ?? "";
  return {
    __typename: "Metafield",
    id: metafield.id,
    legacyResourceId: String(numericId(metafield.id)),
    namespace: metafield.namespace,
    key: metafield.key,
    type: metafield.type,
    value: metafield.value,
    jsonValue: () => jsonValueOf(metafield),
    compareDigest: metafieldDigest(metafield),
    createdAt: toShopifyDateTime(metafield.createdAt),
    updatedAt: toShopifyDateTime(metafield.updatedAt),
    ownerType: OWNER_TYPES[ownerTypeName] ?? null,
    owner: () => ownerView(ctx, metafield.ownerId),
    definition: () => {
      const definition = ctx.state.metafieldDefinitions.find(
        (d) =>
          d.ownerType === OWNER_TYPES[ownerTypeName] &&
          d.namespace === metafield.namespace &&
          d.key === metafield.key,
      );
      return definition ? metafieldDefinitionView(definition) : null;
    },
  };
}

function jsonValueOf(metafield: MetafieldRecord): unknown {
  if (metafield.type === "number_integer") return Number(metafield.value);
  if (metafield.type === "number_decimal") return metafield.value;
  if (metafield.type === "boolean") return metafield.value === "true";
  if (metafield.type === "json" || metafield.type.startsWith("list.")) return JSON.parse(metafield.value);
  return metafield.value;
}

function ownerView(ctx: ResolverContext, ownerId: string) {
  const customer = ctx.state.customers.get(ownerId);
  if (customer) return customerView(ctx, customer);
  const order = ctx.state.orders.get(ownerId);
  if (order) return orderView(ctx, order);
  if (ownerId === ctx.state.shop.id) return shopView(ctx);
  if (ownerId === ctx.state.shop.appInstallationId) return appInstallationView(ctx);
  throw notImplemented(`metafield owners of type ${ownerId}`);
}

export function metafieldDefinitionView(definition: MetafieldDefinitionRecord) {
  return {
    __typename: "MetafieldDefinition",
    id: definition.id,
    name: definition.name,
    namespace: definition.namespace,
    key: definition.key,
    ownerType: definition.ownerType,
    description: definition.description,
    type: {
      __typename: "MetafieldDefinitionType",
      name: definition.type,
      category: categoryOf(definition.type),
    },
    access: { __typename: "MetafieldAccess", ...definition.access },
  };
}

function categoryOf(type: string): string {
  if (type.startsWith("number") || type === "rating") return "NUMBER";
  if (type === "boolean") return "TRUE_FALSE";
  if (type.includes("date")) return "DATE_TIME";
  if (type === "json") return "JSON";
  if (type.endsWith("reference")) return "REFERENCE";
  return "TEXT";
}

export function orderView(ctx: ResolverContext, order: OrderRecord) {
  const bag = (amount: string) => moneyBag(amount, order.currencyCode, order.presentmentCurrencyCode);
  const netPayment = formatDecimal(
    (parseDecimal(order.totalPrice) ?? 0n) - (parseDecimal(order.totalRefunded) ?? 0n),
  );
  const paid = ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.displayFinancialStatus);
  return {
    __typename: "Order",
    id: order.id,
    legacyResourceId: String(numericId(order.id)),
    name: order.name,
    number: order.number,
    email: order.email,
    test: order.test,
    tags: order.tags,
    createdAt: toShopifyDateTime(order.createdAt),
    updatedAt: toShopifyDateTime(order.updatedAt),
    processedAt: toShopifyDateTime(order.processedAt),
    cancelledAt: order.cancelledAt === null ? null : toShopifyDateTime(order.cancelledAt),
    cancelReason: order.cancelReason,
    displayFinancialStatus: order.displayFinancialStatus,
    fullyPaid: paid,
    unpaid: ["PENDING", "AUTHORIZED", "EXPIRED"].includes(order.displayFinancialStatus),
    currencyCode: order.currencyCode,
    presentmentCurrencyCode: order.presentmentCurrencyCode,
    customer: () => {
      const customer = order.customerId ? ctx.state.customers.get(order.customerId) : undefined;
      return customer ? customerView(ctx, customer) : null;
    },
    subtotalPriceSet: bag(order.subtotalPrice),
    totalPriceSet: bag(order.totalPrice),
    totalDiscountsSet: bag(order.totalDiscounts),
    totalTaxSet: bag(order.totalTax),
    totalShippingPriceSet: bag(order.totalShippingPrice),
    totalRefundedSet: bag(order.totalRefunded),
    currentSubtotalPriceSet: bag(order.currentSubtotalPrice),
    currentTotalPriceSet: bag(order.currentTotalPrice),
    netPaymentSet: bag(netPayment),
    ...orderContentFields(ctx, order, bag),
    ...metafieldAccessors(ctx, order.id),
  };
}

export function storeCreditAccountView(ctx: ResolverContext, account: StoreCreditAccountRecord) {
  return {
    __typename: "StoreCreditAccount",
    id: account.id,
    balance: moneyV2(account.balance, account.currencyCode),
    owner: () => ownerView(ctx, account.ownerId),
    transactions: (args: ConnectionArgs & { query?: string | null; reverse?: boolean; sortKey?: string }) => {
      if (args.query) throw notImplemented("StoreCreditAccountTransaction search queries");
      const items = ctx.state.storeCreditTransactions.filter((t) => t.accountId === account.id);
      return idConnection(items, args, (t) => creditTransactionView(ctx, t), args.reverse);
    },
  };
}

export function creditTransactionView(ctx: ResolverContext, transaction: StoreCreditTransactionRecord) {
  const account = ctx.state.storeCreditAccounts.get(transaction.accountId)!;
  return {
    __typename: "StoreCreditAccountCreditTransaction",
    id: transaction.id,
    amount: moneyV2(transaction.amount, account.currencyCode),
    balanceAfterTransaction: moneyV2(transaction.balanceAfterTransaction, account.currencyCode),
    remainingAmount: moneyV2(transaction.amount, account.currencyCode),
    createdAt: toShopifyDateTime(transaction.createdAt),
    expiresAt: transaction.expiresAt === null ? null : toShopifyDateTime(transaction.expiresAt),
    event: "ADJUSTMENT",
    origin: null,
    account: () => storeCreditAccountView(ctx, account),
  };
}

/** The deprecated DiscountCodeNode wrapper, as code discount mutations still return it. */
export function discountCodeNodeView(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountCodeNode",
    id: discount.id,
    codeDiscount: () => codeDiscountView(ctx, discount),
  };
}

/** DiscountNode shares the code node's number under its own GID type. */
export function discountNodeView(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountNode",
    id: gid("DiscountNode", numericId(discount.id)),
    discount: () => codeDiscountView(ctx, discount),
  };
}

/** Stored inputs passed the create mutation's checks, so required parts are present. */
function codeDiscountView(ctx: ResolverContext, discount: DiscountRecord) {
  const { input } = discount;
  const currency = ctx.state.shop.currencyCode;
  const now = ctx.standIn.clock.now();
  const startsAt = Date.parse(input.startsAt!);
  const endsAt = input.endsAt ? Date.parse(input.endsAt) : null;
  const common = {
    title: input.title,
    status: startsAt > now ? "SCHEDULED" : endsAt !== null && endsAt <= now ? "EXPIRED" : "ACTIVE",
    startsAt: toShopifyDateTime(startsAt),
    endsAt: endsAt === null ? null : toShopifyDateTime(endsAt),
    createdAt: toShopifyDateTime(discount.createdAt),
    updatedAt: toShopifyDateTime(discount.updatedAt),
    usageLimit: input.usageLimit ?? null,
    appliesOncePerCustomer: input.appliesOncePerCustomer ?? false,
    asyncUsageCount: discount.usageCount,
    recurringCycleLimit: input.recurringCycleLimit ?? null,
    tags: input.tags ?? [],
    codesCount: { __typename: "Count", count: 1, precision: "EXACT" },
    codes: (args: ConnectionArgs & { query?: string | null }) => {
      if (args.query) throw notImplemented("DiscountRedeemCode search queries");
      const code = { id: discount.redeemCodeId, code: discount.code };
      return idConnection([code], args, (c) => ({
        __typename: "DiscountRedeemCode",
        ...c,
        asyncUsageCount: discount.usageCount,
      }));
    },
    combinesWith: {
      __typename: "DiscountCombinesWith",
      orderDiscounts: input.combinesWith?.orderDiscounts ?? false,
      productDiscounts: input.combinesWith?.productDiscounts ?? false,
      shippingDiscounts: input.combinesWith?.shippingDiscounts ?? false,
      productDiscountsWithTagsOnSameCartLine:
        input.combinesWith?.productDiscountsWithTagsOnSameCartLine ?? null,
    },
    context: () => contextView(ctx, input.context!),
    minimumRequirement: minimumRequirementView(input.minimumRequirement, currency),
  };
  if (discount.kind === "freeShipping") {
    const { destination } = input;
    return {
      __typename: "DiscountCodeFreeShipping",
      ...common,
      discountClasses: ["SHIPPING"],
      appliesOnOneTimePurchase: input.appliesOnOneTimePurchase ?? true,
      appliesOnSubscription: input.appliesOnSubscription ?? false,
      maximumShippingPrice: input.maximumShippingPrice
        ? moneyV2(normalizeDecimal(String(input.maximumShippingPrice)), currency)
        : null,
      destinationSelection: destination?.countries
        ? {
            __typename: "DiscountCountries",
            countries: destination.countries.add ?? [],
            includeRestOfWorld: destination.countries.includeRestOfWorld ?? false,
          }
        : { __typename: "DiscountCountryAll", allCountries: true },
    };
  }
  const customerGets = input.customerGets!;
  const value = customerGets.value!;
  return {
    __typename: "DiscountCodeBasic",
    ...common,
    discountClasses: ["ORDER"],
    customerGets: {
      __typename: "DiscountCustomerGets",
      appliesOnOneTimePurchase: customerGets.appliesOnOneTimePurchase ?? true,
      appliesOnSubscription: customerGets.appliesOnSubscription ?? false,
      items: { __typename: "AllDiscountItems", allItems: true },
      value:
        value.percentage !== undefined && value.percentage !== null
          ? { __typename: "DiscountPercentage", percentage: value.percentage }
          : {
              __typename: "DiscountAmount",
              amount: moneyV2(normalizeDecimal(String(value.discountAmount!.amount)), currency),
              appliesOnEachItem: value.discountAmount!.appliesOnEachItem ?? false,
            },
    },
  };
}

function contextView(ctx: ResolverContext, context: NonNullable<DiscountInput["context"]>) {
  if (context.all) return { __typename: "DiscountBuyerSelectionAll", all: context.all };
  const ids = context.customers?.add ?? [];
  return {
    __typename: "DiscountCustomers",
    customers: ids.flatMap((id) => {
      const customer = ctx.state.customers.get(id);
      return customer ? [customerView(ctx, customer)] : [];
    }),
  };
}

function minimumRequirementView(requirement: DiscountInput["minimumRequirement"], currency: string) {
  if (requirement?.subtotal) {
    return {
      __typename: "DiscountMinimumSubtotal",
      greaterThanOrEqualToSubtotal: moneyV2(
        normalizeDecimal(String(requirement.subtotal.greaterThanOrEqualToSubtotal)),
        currency,
      ),
    };
  }
  if (requirement?.quantity) {
    return {
      __typename: "DiscountMinimumQuantity",
      greaterThanOrEqualToQuantity: requirement.quantity.greaterThanOrEqualToQuantity,
    };
  }
  return null;
}
