import { z } from "zod";
import { describeIssues, ok, refuse, type Result } from "./result";

const CustomerPayload = z.object({
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/, "must be a Customer GID"),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});

/** What Tally keeps of a customers/* payload: who the member is, nothing else (no addresses, notes, phones). */
export interface NewCustomer {
  readonly customerGid: string;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
}

export function parseCustomerPayload(payload: unknown): Result<NewCustomer> {
  const parsed = CustomerPayload.safeParse(payload);
  if (!parsed.success) {
    return refuse(describeIssues(parsed.error));
  }
  const customer = parsed.data;
  return ok({
    customerGid: customer.admin_graphql_api_id,
    email: customer.email ?? null,
    firstName: customer.first_name ?? null,
    lastName: customer.last_name ?? null,
  });
}
