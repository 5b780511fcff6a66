/** Metafield types Shopify accepts (shopify.dev "metafield types"), and value checks for the common ones. */
const BASE_TYPES = new Set([
  "boolean",
  "color",
  "date",
  "date_time",
  "dimension",
  "id",
  "json",
  "link",
  "money",
  "multi_line_text_field",
  "number_decimal",
  "number_integer",
  "rating",
  "rich_text_field",
  "single_line_text_field",
  "url",
  "volume",
  "weight",
  "collection_reference",
  "customer_reference",
  "file_reference",
  "metaobject_reference",
  "mixed_reference",
  "page_reference",
  "product_reference",
  "variant_reference",
]);

const NOT_LISTABLE = new Set(["boolean", "json", "money", "multi_line_text_field", "rich_text_field"]);

export function isKnownMetafieldType(type: string): boolean {
  if (type.startsWith("list.")) {
    const item = type.slice("list.".length);
    return BASE_TYPES.has(item) && !NOT_LISTABLE.has(item);
  }
  return BASE_TYPES.has(type);
}

/** The reason a value does not fit its type, or null when it does. */
export function invalidValueReason(type: string, value: string): string | null {
  if (type.startsWith("list.")) {
    try {
      return Array.isArray(JSON.parse(value)) ? null : "Value must be a JSON array.";
    } catch {
      return "Value must be a JSON array.";
    }
  }
  switch (type) {
    case "number_integer":
      return /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))
        ? null
        : "Value must be an integer.";
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean":
      return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : "Value must be in YYYY-MM-DD format.";
    case "date_time":
      return Number.isNaN(Date.parse(value)) ? "Value must be in ISO 8601 format." : null;
    case "single_line_text_field":
      return value.includes("\n") ? "Value must be a single line." : null;
    case "json":
      try {
        JSON.parse(value);
        return null;
      } catch {
        return "Value must be valid JSON.";
      }
    default:
      return null;
  }
}
