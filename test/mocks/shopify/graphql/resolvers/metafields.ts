import type { MetafieldDefinitionInput, MetafieldDefinitionRecord, MetafieldRecord } from "../../records";
import type { ResolverContext } from "../context";
import { apiError } from "../errors";
import { metafieldDefinitionView, metafieldDigest, metafieldView } from "../views";
import { invalidValueReason, isKnownMetafieldType } from "./metafield-types";
import { plainCopy, userError, type UserError } from "./user-errors";

/** metafieldsSet's documented limit: "a maximum of 25 metafields to be set at a time". */
export const METAFIELDS_SET_LIMIT = 25;

interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

const OWNER_TYPES: Record<string, string> = {
  Customer: "CUSTOMER",
  Order: "ORDER",
  Shop: "SHOP",
  AppInstallation: "API_PERMISSION",
};

function ownerTypeOf(ctx: ResolverContext, ownerId: string): string | null {
  const type = ownerId.split("/")[3] ?? "";
  const exists =
    ctx.state.customers.has(ownerId) ||
    ctx.state.orders.has(ownerId) ||
    ownerId === ctx.state.shop.id ||
    ownerId === ctx.state.shop.appInstallationId;
  return exists ? (OWNER_TYPES[type] ?? null) : null;
}

function lengthError(
  field: string[],
  label: string,
  value: string,
  min: number,
  max: number,
): UserError | null {
  if (value.length < min)
    return userError(field, `${label} is too short (minimum is ${min} characters)`, "TOO_SHORT");
  if (value.length > max)
    return userError(field, `${label} is too long (maximum is ${max} characters)`, "TOO_LONG");
  return null;
}

export const metafieldMutations = {
  /** Atomic like Shopify's: any userError means nothing is written. */
  metafieldsSet: ({ metafields }: { metafields: MetafieldsSetInput[] }, ctx: ResolverContext) => {
    if (metafields.length > METAFIELDS_SET_LIMIT) {
      throw apiError(
        `The input array size of ${metafields.length} is greater than the maximum allowed of ${METAFIELDS_SET_LIMIT}.`,
        "MAX_INPUT_SIZE_EXCEEDED",
      );
    }
    const errors: UserError[] = [];
    const writes: Omit<MetafieldRecord, "id" | "createdAt" | "updatedAt">[] = [];
    metafields.forEach((input, index) => {
      const at = (name: string) => ["metafields", String(index), name];
      const before = errors.length;
      const ownerType = ownerTypeOf(ctx, input.ownerId);
      if (!ownerType) errors.push(userError(at("ownerId"), "Owner does not exist.", "INVALID"));
      const namespace = ctx.standIn.expandNamespace(input.namespace);
      const namespaceError =
        input.namespace === null || input.namespace === undefined
          ? null
          : lengthError(at("namespace"), "Namespace", input.namespace, 3, 255);
      if (namespaceError) errors.push(namespaceError);
      const keyError =
        lengthError(at("key"), "Key", input.key, 2, 64) ??
        (/^[A-Za-z0-9_-]+$/.test(input.key)
          ? null
          : userError(at("key"), "Key contains one or more invalid characters.", "INVALID"));
      if (keyError) errors.push(keyError);

      const existing = ctx.state.metafields.find(input.ownerId, namespace, input.key);
      const definition = ctx.state.metafieldDefinitions.find(
        (d) => d.ownerType === ownerType && d.namespace === namespace && d.key === input.key,
      );
      const type = input.type ?? definition?.type ?? existing?.type;
      if (!type) {
        errors.push(userError(at("type"), "Type can't be blank", "BLANK"));
      } else if (!isKnownMetafieldType(type)) {
        errors.push(userError(at("type"), `Type '${type}' is not a valid metafield type.`, "INVALID_TYPE"));
      } else if (definition && definition.type !== type) {
        errors.push(
          userError(
            at("type"),
            `Type must be '${definition.type}' to match the metafield definition.`,
            "INVALID_TYPE",
          ),
        );
      } else {
        const reason = invalidValueReason(type, input.value);
        if (reason) errors.push(userError(at("value"), reason, "INVALID_VALUE"));
      }
      if ("compareDigest" in input) {
        const current = existing ? metafieldDigest(existing) : null;
        if (input.compareDigest !== current) {
          errors.push(
            userError(
              at("compareDigest"),
              "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
              "STALE_OBJECT",
            ),
          );
        }
      }
      if (errors.length === before && type) {
        writes.push({ ownerId: input.ownerId, namespace, key: input.key, type, value: input.value });
      }
    });
    if (errors.length > 0) {
      return { metafields: [], userErrors: errors.map((e) => ({ ...e, elementIndex: null })) };
    }

    const now = ctx.standIn.clock.now();
    const written = writes.map((write) => {
      const existing = ctx.state.metafields.find(write.ownerId, write.namespace, write.key);
      if (existing) {
        Object.assign(existing, { type: write.type, value: write.value, updatedAt: now });
        return existing;
      }
      const created: MetafieldRecord = {
        id: ctx.standIn.ids.gid("Metafield"),
        ...write,
        createdAt: now,
        updatedAt: now,
      };
      ctx.state.metafields.add(created);
      return created;
    });
    return { metafields: written.map((m) => metafieldView(ctx, m)), userErrors: [] };
  },

  /**
   * As on Shopify: each identifier's slot in `deletedMetafields` is the
   * identifier when a metafield was deleted and null when there was none, so
   * deleting twice is not an error.
   */
  metafieldsDelete: (
    { metafields }: { metafields: Array<{ ownerId: string; namespace: string; key: string }> },
    ctx: ResolverContext,
  ) => {
    const deleted = metafields.map((input) => {
      const namespace = ctx.standIn.expandNamespace(input.namespace);
      if (!ctx.state.metafields.remove(input.ownerId, namespace, input.key)) return null;
      return { ownerId: input.ownerId, namespace, key: input.key };
    });
    return { deletedMetafields: deleted, userErrors: [] };
  },

  metafieldDefinitionCreate: (
    { definition }: { definition: MetafieldDefinitionInput },
    ctx: ResolverContext,
  ) => {
    const at = (...path: string[]) => ["definition", ...path];
    const appOwned = definition.namespace == null || definition.namespace.startsWith("$app");
    const namespace = ctx.standIn.expandNamespace(definition.namespace);
    const errors: UserError[] = [];
    if (!definition.name) errors.push(userError(at("name"), "Name can't be blank", "BLANK"));
    const keyError = lengthError(at("key"), "Key", definition.key, 2, 64);
    if (keyError) errors.push(keyError);
    if (!appOwned && definition.namespace) {
      const namespaceError = lengthError(at("namespace"), "Namespace", definition.namespace, 3, 255);
      if (namespaceError) errors.push(namespaceError);
    }
    if (!isKnownMetafieldType(definition.type)) {
      errors.push(userError(at("type"), "Type is not included in the list", "INCLUSION"));
    }
    if (definition.access?.admin && !appOwned) {
      errors.push(
        userError(
          at("access", "admin"),
          "Admin access can only be specified for app-owned metafield definitions.",
          "ADMIN_ACCESS_INPUT_NOT_ALLOWED",
        ),
      );
    }
    const taken = ctx.state.metafieldDefinitions.some(
      (d) => d.ownerType === definition.ownerType && d.namespace === namespace && d.key === definition.key,
    );
    if (taken) {
      errors.push(
        userError(
          at("key"),
          `Key is in use for ${definition.ownerType.toLowerCase()} metafields on the '${namespace}' namespace.`,
          "TAKEN",
        ),
      );
    }
    if (errors.length > 0) return { createdDefinition: null, userErrors: errors };

    const record: MetafieldDefinitionRecord = {
      id: ctx.standIn.ids.gid("MetafieldDefinition"),
      ownerType: definition.ownerType,
      namespace,
      key: definition.key,
      name: definition.name,
      type: definition.type,
      description: definition.description ?? null,
      access: {
        admin: appOwned ? (definition.access?.admin ?? "MERCHANT_READ") : null,
        storefront: definition.access?.storefront ?? "NONE",
        customerAccount: definition.access?.customerAccount ?? "NONE",
      },
      input: plainCopy(definition),
    };
    ctx.state.metafieldDefinitions.push(record);
    return { createdDefinition: metafieldDefinitionView(record), userErrors: [] };
  },
};
