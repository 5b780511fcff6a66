import { parseDecimal } from "../../decimal";
import type { DiscountInput, DiscountRecord } from "../../records";
import type { ResolverContext } from "../context";
import { notImplemented } from "../errors";
import { discountCodeNodeView } from "../views";
import { plainCopy, userError, type UserError } from "./user-errors";

/** DiscountUserError always carries `code` and `extraInfo`, so a selection of either resolves. */
function discountError(field: string[], message: string, code: string) {
  return { ...userError(field, message, code), extraInfo: null };
}

/**
 * Checks Shopify applies when creating a code discount. Eligibility the stand-in does not model
 * (segments, markets, product or collection items, buy-X-get-Y quantities) is refused as not
 * implemented instead of being stored unchecked.
 */
function validate(
  ctx: ResolverContext,
  kind: DiscountRecord["kind"],
  argument: string,
  input: DiscountInput,
): UserError[] {
  const at = (...path: string[]) => [argument, ...path];
  const errors: UserError[] = [];
  const required: (keyof DiscountInput)[] =
    kind === "basic"
      ? ["title", "code", "startsAt", "context", "customerGets"]
      : ["title", "code", "startsAt", "context"];
  for (const name of required) {
    if (input[name] === undefined || input[name] === null || input[name] === "") {
      errors.push(discountError(at(name), `${humanize(name)} can't be blank`, "BLANK"));
    }
  }
  const { code } = input;
  if (typeof code === "string") {
    if (code.length > 255) {
      errors.push(discountError(at("code"), "Code is too long (maximum is 255 characters)", "TOO_LONG"));
    }
    if (/[\r\n]/.test(code)) {
      errors.push(discountError(at("code"), "Code cannot contain newline characters.", "INVALID"));
    }
    const taken = [...ctx.state.discounts.values()].some((d) => d.code.toLowerCase() === code.toLowerCase());
    if (taken)
      errors.push(discountError(at("code"), "Code must be unique. Please try a different code.", "TAKEN"));
  }
  if (input.startsAt && input.endsAt && Date.parse(input.endsAt) <= Date.parse(input.startsAt)) {
    errors.push(
      discountError(at("endsAt"), "Ends at needs to be after starts_at", "END_DATE_BEFORE_START_DATE"),
    );
  }
  if (input.usageLimit !== undefined && input.usageLimit !== null && input.usageLimit <= 0) {
    errors.push(discountError(at("usageLimit"), "Usage limit must be greater than 0", "GREATER_THAN"));
  }
  if (input.context) errors.push(...validateContext(ctx, input.context, at("context")));
  if (input.minimumRequirement?.subtotal && input.minimumRequirement?.quantity) {
    errors.push(
      discountError(
        at("minimumRequirement"),
        "Minimum subtotal and quantity range can't both be present",
        "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT",
      ),
    );
  }
  if (kind === "basic" && input.customerGets)
    errors.push(...validateCustomerGets(input.customerGets, at("customerGets")));
  if (kind === "freeShipping") {
    if (
      input.maximumShippingPrice != null &&
      (parseDecimal(String(input.maximumShippingPrice)) ?? -1n) < 0n
    ) {
      errors.push(
        discountError(
          at("maximumShippingPrice"),
          "Maximum shipping price must be greater than or equal to 0",
          "GREATER_THAN_OR_EQUAL_TO",
        ),
      );
    }
  }
  return errors;
}

function validateContext(
  ctx: ResolverContext,
  context: NonNullable<DiscountInput["context"]>,
  at: string[],
): UserError[] {
  if (context.customerSegments) throw notImplemented("discount context customerSegments");
  if (context.markets) throw notImplemented("discount context markets");
  if (!context.customers) return [];
  const unknown = (context.customers.add ?? []).filter((id: string) => !ctx.state.customers.has(id));
  return unknown.length > 0
    ? [
        discountError(
          [...at, "customers", "add"],
          `Customer ids are invalid: ${unknown.join(", ")}`,
          "INVALID",
        ),
      ]
    : [];
}

function validateCustomerGets(
  customerGets: NonNullable<DiscountInput["customerGets"]>,
  at: string[],
): UserError[] {
  const errors: UserError[] = [];
  const { value, items } = customerGets;
  if (!items) errors.push(discountError([...at, "items"], "Items can't be blank", "BLANK"));
  else if (items.products || items.collections) throw notImplemented("product and collection discount items");
  else if (items.all !== true)
    errors.push(discountError([...at, "items"], "Items must apply to something", "APPLIES_ON_NOTHING"));
  if (!value) return [...errors, discountError([...at, "value"], "Value can't be blank", "BLANK")];
  if (value.discountOnQuantity) throw notImplemented("discountOnQuantity values");
  const given = [value.percentage, value.discountAmount].filter((v) => v !== undefined && v !== null).length;
  if (given !== 1) {
    errors.push(
      discountError([...at, "value"], "Exactly one of percentage or discountAmount is required", "INVALID"),
    );
  } else if (value.percentage != null && (value.percentage <= 0 || value.percentage > 1)) {
    errors.push(
      discountError(
        [...at, "value", "percentage"],
        "Value must be between 0.0 and 1.0",
        "VALUE_OUTSIDE_RANGE",
      ),
    );
  } else if (value.discountAmount && (parseDecimal(String(value.discountAmount.amount)) ?? 0n) <= 0n) {
    errors.push(
      discountError(
        [...at, "value", "discountAmount", "amount"],
        "Value must be greater than 0",
        "GREATER_THAN",
      ),
    );
  }
  return errors;
}

function humanize(name: string): string {
  const words = name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function create(ctx: ResolverContext, kind: DiscountRecord["kind"], argument: string, input: DiscountInput) {
  const userErrors = validate(ctx, kind, argument, input);
  if (userErrors.length > 0) return { codeDiscountNode: null, userErrors };
  const now = ctx.standIn.clock.now();
  const record: DiscountRecord = {
    id: ctx.standIn.ids.gid("DiscountCodeNode"),
    kind,
    code: input.code!,
    redeemCodeId: ctx.standIn.ids.gid("DiscountRedeemCode"),
    usageCount: 0,
    input: plainCopy(input),
    createdAt: now,
    updatedAt: now,
  };
  ctx.state.discounts.set(record.id, record);
  return { codeDiscountNode: discountCodeNodeView(ctx, record), userErrors: [] };
}

export const discountMutations = {
  discountCodeBasicCreate: (
    { basicCodeDiscount }: { basicCodeDiscount: DiscountInput },
    ctx: ResolverContext,
  ) => create(ctx, "basic", "basicCodeDiscount", basicCodeDiscount),
  discountCodeFreeShippingCreate: (
    { freeShippingCodeDiscount }: { freeShippingCodeDiscount: DiscountInput },
    ctx: ResolverContext,
  ) => create(ctx, "freeShipping", "freeShippingCodeDiscount", freeShippingCodeDiscount),
};
