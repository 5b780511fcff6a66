import { z } from "zod";
import { describeIssues, ok, refuse, type Result } from "./result";

const NumericId = z.union([
  z.number().int().nonnegative().refine(Number.isSafeInteger, "id is not exact"),
  z.string().regex(/^\d+$/),
]);

const CustomerRequest = z.object({
  customer: z.object({ id: NumericId }),
  orders_requested: z.array(NumericId).optional(),
  orders_to_redact: z.array(NumericId).optional(),
  data_request: z.object({ id: NumericId }).nullish(),
});

export interface CustomerPrivacyRequest {
  readonly customerGid: string;
  readonly shopifyRequestId: string | null;
  readonly orderGids: readonly string[];
}

/** customers/data_request and customers/redact name a customer by numeric id. */
export function parseCustomerPrivacyRequest(payload: unknown): Result<CustomerPrivacyRequest> {
  const parsed = CustomerRequest.safeParse(payload);
  if (!parsed.success) {
    return refuse(describeIssues(parsed.error));
  }
  const { customer, orders_requested, orders_to_redact, data_request } = parsed.data;
  return ok({
    customerGid: `gid://shopify/Customer/${customer.id}`,
    shopifyRequestId: data_request ? String(data_request.id) : null,
    orderGids: (orders_requested ?? orders_to_redact ?? []).map((id) => `gid://shopify/Order/${id}`),
  });
}
