import { randomBytes } from "node:crypto";

import { systemClock, type Clock } from "./clock";
import { normalizeDecimal } from "./decimal";
import { gid, IdSequence } from "./ids";
import { MetafieldStore } from "./metafield-store";
import { LeakyBucket, type BucketLimits } from "./leaky-bucket";
import { buildOrderLines, type OrderTotals, type SeedLine, type SeedShipping } from "./order-lines";
import type {
  AccessTokenRecord,
  CustomerRecord,
  DiscountRecord,
  FinancialStatus,
  MetafieldRecord,
  OrderRecord,
  ShopRecord,
  ShopState,
  StoreCreditAccountRecord,
} from "./records";
import { applyRefund, type SeedRefund } from "./refunds";
import type { RequestLogEntry } from "./request-log";
import { orderPayload, refundPayload } from "./webhook-payloads";

export type { SeedLine, SeedRefund, SeedShipping };

export interface ShopifyStandInOptions {
  clock?: Clock;
  /** Numeric app id that `$app` namespaces expand to (app--<appId>--…). */
  appId?: string;
  /** Scopes granted on token exchange. */
  scopes?: string[];
  bucket?: Partial<BucketLimits>;
  /** Refuse documents that use deprecated fields, arguments, input fields or enum values. */
  refuseDeprecated?: boolean;
  /** Lifetimes of expiring tokens, in seconds. */
  expiringTokenLifetime?: { access: number; refresh: number };
}

export type InjectedFailure = "THROTTLED" | 500 | 502 | 503 | 504;

export interface SeedCustomer {
  /** A chosen numeric id (fixtures that must match ids used elsewhere); otherwise the next one. */
  id?: number;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  tags?: string[];
  createdAt?: string;
  metafields?: { namespace?: string; key: string; type: string; value: string }[];
}

export interface SeedOrder {
  customerId?: string | null;
  /** Discount codes the checkout applied; each counts one use of its discount, as Shopify does. */
  discountCodes?: string[];
  email?: string | null;
  createdAt?: string;
  updatedAt?: string;
  processedAt?: string;
  cancelledAt?: string | null;
  cancelReason?: string | null;
  financialStatus?: FinancialStatus;
  /** Defaults to the shop currency. */
  currencyCode?: string;
  presentmentCurrencyCode?: string;
  test?: boolean;
  tags?: string[];
  subtotalPrice?: string;
  totalPrice?: string;
  totalDiscounts?: string;
  totalTax?: string;
  totalShippingPrice?: string;
  totalRefunded?: string;
  currentSubtotalPrice?: string;
  currentTotalPrice?: string;
  /**
   * The order's line items; the money fields above not given are then derived from them. An
   * order seeded without lines answers no line-level questions (GraphQL errors, no payload).
   */
  lines?: SeedLine[];
  /** Needs `lines`. */
  shippingLines?: SeedShipping[];
  /** Whether prices include tax; defaults to false. */
  taxesIncluded?: boolean;
  /** displayFulfillmentStatus FULFILLED when true, UNFULFILLED (the default) otherwise. */
  fulfilled?: boolean;
}

const MONEY_FIELDS = [
  "subtotalPrice",
  "totalPrice",
  "totalDiscounts",
  "totalTax",
  "totalShippingPrice",
  "totalRefunded",
  "currentSubtotalPrice",
  "currentTotalPrice",
] as const;

const DEFAULT_SCOPES = [
  "read_customers",
  "write_customers",
  "read_orders",
  "read_discounts",
  "write_discounts",
  "read_store_credit_accounts",
  "write_store_credit_account_transactions",
  "write_app_proxy",
];

/**
 * In-memory Shopify for any number of shops: seed data, issued access tokens, per-shop rate-limit
 * buckets, injected failures and a log of every request the app made. The msw handlers in
 * handlers.ts expose it over Shopify's HTTP endpoints.
 */
export class ShopifyStandIn {
  readonly clock: Clock;
  readonly appId: string;
  readonly scopes: string[];
  readonly refuseDeprecated: boolean;
  readonly ids = new IdSequence();
  readonly requests: RequestLogEntry[] = [];

  private readonly shops = new Map<string, ShopState>();
  private readonly tokens = new Map<string, AccessTokenRecord>();
  private readonly buckets = new Map<string, LeakyBucket>();
  private readonly bucketLimits: BucketLimits;
  private readonly tokenLifetime: { access: number; refresh: number };
  private readonly failures: InjectedFailure[] = [];

  constructor(options: ShopifyStandInOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.appId = options.appId ?? "9000001";
    this.scopes = options.scopes ?? DEFAULT_SCOPES;
    this.refuseDeprecated = options.refuseDeprecated ?? true;
    this.bucketLimits = { maximumAvailable: 2000, restoreRate: 100, ...options.bucket };
    this.tokenLifetime = options.expiringTokenLifetime ?? { access: 3600, refresh: 7_776_000 };
  }

  addShop(input: {
    domain: string;
    currencyCode?: string;
    name?: string;
    /** Further currencies the shop sells in (store credit can be issued in these too). */
    presentmentCurrencies?: string[];
  }): ShopRecord {
    const currencyCode = input.currencyCode ?? "USD";
    const shop: ShopRecord = {
      domain: input.domain,
      id: this.ids.gid("Shop"),
      name: input.name ?? input.domain.replace(/\.myshopify\.com$/, ""),
      currencyCode,
      enabledPresentmentCurrencies: [currencyCode, ...(input.presentmentCurrencies ?? [])],
      appInstallationId: this.ids.gid("AppInstallation"),
      email: `owner@${input.domain}`,
      ianaTimezone: "UTC",
    };
    this.shops.set(input.domain, {
      shop,
      customers: new Map(),
      orders: new Map(),
      metafields: new MetafieldStore(),
      metafieldDefinitions: [],
      discounts: new Map(),
      storeCreditAccounts: new Map(),
      storeCreditTransactions: [],
    });
    return shop;
  }

  hasShop(domain: string): boolean {
    return this.shops.has(domain);
  }

  state(domain: string): ShopState {
    const state = this.shops.get(domain);
    if (!state) throw new Error(`Shopify stand-in has no shop ${domain}; call addShop first`);
    return state;
  }

  addCustomer(domain: string, input: SeedCustomer = {}): string {
    const state = this.state(domain);
    const at = input.createdAt ? Date.parse(input.createdAt) : this.clock.now();
    const customer: CustomerRecord = {
      id: input.id === undefined ? this.ids.gid("Customer") : gid("Customer", input.id),
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
      tags: normalizeTags(input.tags ?? []),
      createdAt: at,
      updatedAt: at,
    };
    state.customers.set(customer.id, customer);
    for (const metafield of input.metafields ?? []) {
      state.metafields.add({
        id: this.ids.gid("Metafield"),
        ownerId: customer.id,
        namespace: this.expandNamespace(metafield.namespace),
        key: metafield.key,
        type: metafield.type,
        value: metafield.value,
        createdAt: at,
        updatedAt: at,
      });
    }
    return customer.id;
  }

  addOrder(domain: string, input: SeedOrder = {}): string {
    const state = this.state(domain);
    const createdAt = input.createdAt ? Date.parse(input.createdAt) : this.clock.now();
    const number = state.orders.size + 1001;
    const currencyCode = input.currencyCode ?? state.shop.currencyCode;
    const taxesIncluded = input.taxesIncluded ?? false;
    if (input.shippingLines && !input.lines) throw new Error("shippingLines need lines");
    const id = this.ids.gid("Order");
    const contents = input.lines
      ? buildOrderLines(this.ids, {
          lines: input.lines,
          shippingLines: input.shippingLines ?? [],
          taxesIncluded,
          currencyCode,
        })
      : null;
    const derived: Partial<OrderTotals> = contents?.totals ?? {};
    const money = (value: string | undefined, fallback: string) => normalizeDecimal(value ?? fallback);
    const subtotal = money(input.subtotalPrice, derived.subtotalPrice ?? "0.00");
    const total = money(input.totalPrice, derived.totalPrice ?? subtotal);
    const discountCodes = input.discountCodes ?? [];
    for (const code of discountCodes) {
      const discount = [...state.discounts.values()].find((d) => d.code.toLowerCase() === code.toLowerCase());
      if (!discount) throw new Error(`No discount with code ${code} in ${domain}`);
      discount.usageCount += 1;
    }
    const order: OrderRecord = {
      id,
      discountCodes,
      name: `#${number}`,
      number,
      email: input.email ?? null,
      customerId: input.customerId ?? null,
      createdAt,
      updatedAt: input.updatedAt ? Date.parse(input.updatedAt) : createdAt,
      processedAt: input.processedAt ? Date.parse(input.processedAt) : createdAt,
      cancelledAt: input.cancelledAt ? Date.parse(input.cancelledAt) : null,
      cancelReason: input.cancelReason ?? null,
      displayFinancialStatus: input.financialStatus ?? "PAID",
      currencyCode,
      presentmentCurrencyCode: input.presentmentCurrencyCode ?? currencyCode,
      test: input.test ?? false,
      tags: normalizeTags(input.tags ?? []),
      subtotalPrice: subtotal,
      totalPrice: total,
      totalDiscounts: money(input.totalDiscounts, derived.totalDiscounts ?? "0"),
      totalTax: money(input.totalTax, derived.totalTax ?? "0"),
      totalShippingPrice: money(input.totalShippingPrice, derived.totalShippingPrice ?? "0"),
      totalRefunded: money(input.totalRefunded, "0"),
      currentSubtotalPrice: money(input.currentSubtotalPrice, subtotal),
      currentTotalPrice: money(input.currentTotalPrice, total),
      taxesIncluded,
      fulfilled: input.fulfilled ?? false,
      lines: contents?.lines ?? null,
      shippingLines: contents?.shippingLines ?? [],
      refunds: [],
    };
    if (order.customerId && !state.customers.has(order.customerId)) {
      throw new Error(`Order customer ${order.customerId} is not a customer of ${domain}`);
    }
    state.orders.set(order.id, order);
    return order.id;
  }

  /** Changes an order the way a merchant or checkout would, bumping updatedAt (default now). */
  updateOrder(
    domain: string,
    id: string,
    patch: Omit<
      SeedOrder,
      "createdAt" | "currencyCode" | "presentmentCurrencyCode" | "lines" | "shippingLines" | "taxesIncluded"
    >,
  ): void {
    const order = this.order(domain, id);
    for (const key of MONEY_FIELDS) {
      const value = patch[key];
      if (value !== undefined) order[key] = normalizeDecimal(value);
    }
    if (patch.customerId !== undefined) order.customerId = patch.customerId;
    if (patch.email !== undefined) order.email = patch.email;
    if (patch.test !== undefined) order.test = patch.test;
    if (patch.cancelReason !== undefined) order.cancelReason = patch.cancelReason;
    if (patch.cancelledAt !== undefined)
      order.cancelledAt = patch.cancelledAt ? Date.parse(patch.cancelledAt) : null;
    if (patch.processedAt !== undefined) order.processedAt = Date.parse(patch.processedAt);
    if (patch.financialStatus) order.displayFinancialStatus = patch.financialStatus;
    if (patch.tags) order.tags = normalizeTags(patch.tags);
    if (patch.fulfilled !== undefined) order.fulfilled = patch.fulfilled;
    order.updatedAt = patch.updatedAt ? Date.parse(patch.updatedAt) : this.clock.now();
  }

  order(domain: string, id: string): OrderRecord {
    const order = this.state(domain).orders.get(id);
    if (!order) throw new Error(`No order ${id} in ${domain}`);
    return order;
  }

  /**
   * Refunds part or all of an order as a merchant would in the admin (see refunds.ts for what it
   * changes and what it refuses). Returns the Refund GID.
   */
  addRefund(domain: string, orderId: string, input: SeedRefund): string {
    return applyRefund(this.ids, this.order(domain, orderId), input, this.clock.now());
  }

  /** The orders/paid webhook body for the order; orders/cancelled and orders/fulfilled share it. */
  orderWebhookPayload(domain: string, orderId: string) {
    return orderPayload(this.state(domain), this.order(domain, orderId));
  }

  /** The refunds/create webhook body for the refund. */
  refundWebhookPayload(domain: string, refundId: string) {
    const state = this.state(domain);
    for (const order of state.orders.values()) {
      const refund = order.refunds.find((r) => r.id === refundId);
      if (refund) return refundPayload(state, order, refund);
    }
    throw new Error(`No refund ${refundId} in ${domain}`);
  }

  customer(domain: string, id: string): CustomerRecord | undefined {
    return this.state(domain).customers.get(id);
  }

  metafieldsOf(domain: string, ownerId: string): MetafieldRecord[] {
    return this.state(domain).metafields.ofOwner(ownerId);
  }

  discounts(domain: string): DiscountRecord[] {
    return [...this.state(domain).discounts.values()];
  }

  storeCreditAccounts(domain: string, ownerId?: string): StoreCreditAccountRecord[] {
    return [...this.state(domain).storeCreditAccounts.values()].filter(
      (account) => ownerId === undefined || account.ownerId === ownerId,
    );
  }

  graphqlRequests(domain?: string) {
    return this.requests.flatMap((entry) =>
      entry.kind === "graphql" && (domain === undefined || entry.shop === domain) ? [entry] : [],
    );
  }

  /** `$app` → `app--<appId>`, `$app:loyalty` → `app--<appId>--loyalty`; omitted → app-reserved. */
  expandNamespace(namespace: string | null | undefined): string {
    if (namespace === null || namespace === undefined || namespace === "$app") return `app--${this.appId}`;
    if (namespace.startsWith("$app:")) return `app--${this.appId}--${namespace.slice("$app:".length)}`;
    return namespace;
  }

  issueToken(
    domain: string,
    options: { kind: "offline" | "online"; expiring: boolean; userId?: string | null },
  ): AccessTokenRecord {
    this.state(domain);
    const now = this.clock.now();
    const expires = options.kind === "online" || options.expiring;
    const record: AccessTokenRecord = {
      token: `${options.kind === "online" ? "shpua" : "shpat"}_${randomBytes(16).toString("hex")}`,
      shop: domain,
      kind: options.kind,
      scope: this.scopes.join(","),
      expiresAt: expires
        ? now + (options.kind === "online" ? 86_399 : this.tokenLifetime.access) * 1000
        : null,
      refreshToken:
        options.kind === "offline" && options.expiring ? `shprt_${randomBytes(16).toString("hex")}` : null,
      refreshTokenExpiresAt:
        options.kind === "offline" && options.expiring ? now + this.tokenLifetime.refresh * 1000 : null,
      userId: options.userId ?? null,
      revoked: false,
    };
    this.tokens.set(record.token, record);
    return record;
  }

  /** The token record if it was issued for this shop and is still usable. */
  activeToken(domain: string, token: string | null): AccessTokenRecord | null {
    const record = token ? this.tokens.get(token) : undefined;
    if (!record || record.revoked || record.shop !== domain) return null;
    if (record.expiresAt !== null && record.expiresAt <= this.clock.now()) return null;
    return record;
  }

  findByRefreshToken(domain: string, refreshToken: string): AccessTokenRecord | null {
    for (const record of this.tokens.values()) {
      if (record.refreshToken !== refreshToken || record.shop !== domain || record.revoked) continue;
      if (record.refreshTokenExpiresAt !== null && record.refreshTokenExpiresAt <= this.clock.now()) {
        return null;
      }
      return record;
    }
    return null;
  }

  revokeToken(token: string): void {
    const record = this.tokens.get(token);
    if (record) record.revoked = true;
  }

  /** Simulates the merchant uninstalling the app: every token for the shop stops working. */
  uninstall(domain: string): void {
    for (const record of this.tokens.values()) if (record.shop === domain) record.revoked = true;
  }

  bucket(domain: string): LeakyBucket {
    let bucket = this.buckets.get(domain);
    if (!bucket) {
      bucket = new LeakyBucket(this.bucketLimits, this.clock);
      this.buckets.set(domain, bucket);
    }
    return bucket;
  }

  /** Makes the next `count` Admin GraphQL requests fail as THROTTLED or with the HTTP status. */
  failNext(failure: InjectedFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  takeInjectedFailure(): InjectedFailure | undefined {
    return this.failures.shift();
  }
}

/** Shopify trims tags, drops blanks and duplicates (case-insensitively) and returns them sorted. */
export function normalizeTags(tags: string[]): string[] {
  const byLower = new Map<string, string>();
  for (const tag of tags.flatMap((t) => t.split(","))) {
    const trimmed = tag.trim();
    if (trimmed && !byLower.has(trimmed.toLowerCase())) byLower.set(trimmed.toLowerCase(), trimmed);
  }
  return [...byLower.values()].sort((a, b) => a.localeCompare(b));
}
