import { parseCustomerPrivacyRequest } from "./compliance-payload";
import { parseCustomerPayload } from "./customer-payload";
import { readOrderPayload } from "./order-payload";
import { parseRefundPayload } from "./refund-payload";

/** What Tally does with a verified delivery, decided from its topic and payload alone. */
export type Intake =
  | { kind: "queue"; subjectGid: string | null; customerGid: string | null; stored: unknown }
  | { kind: "reject"; reason: string };

// Topics that must be answered even when the shop has uninstalled Tally:
// Shopify sends shop/redact 48 hours after uninstall, and privacy requests
// can arrive at any time.
const COMPLIANCE_TOPICS = new Set(["CUSTOMERS_DATA_REQUEST", "CUSTOMERS_REDACT", "SHOP_REDACT"]);

export function isComplianceTopic(topic: string): boolean {
  return COMPLIANCE_TOPICS.has(topic);
}

export function intakeWebhook(topic: string, payload: unknown): Intake {
  switch (topic) {
    case "ORDERS_PAID":
    case "ORDERS_FULFILLED":
    case "ORDERS_CANCELLED": {
      const order = readOrderPayload(payload);
      if (!order.ok) return { kind: "reject", reason: order.reason };
      const { facts, stored } = order.value;
      return { kind: "queue", subjectGid: facts.orderGid, customerGid: facts.customerGid, stored };
    }
    case "CUSTOMERS_DATA_REQUEST":
    case "CUSTOMERS_REDACT": {
      const request = parseCustomerPrivacyRequest(payload);
      if (!request.ok) return { kind: "reject", reason: request.reason };
      return {
        kind: "queue",
        subjectGid: request.value.customerGid,
        customerGid: request.value.customerGid,
        stored: request.value,
      };
    }
    case "CUSTOMERS_CREATE": {
      const customer = parseCustomerPayload(payload);
      if (!customer.ok) return { kind: "reject", reason: customer.reason };
      const { customerGid } = customer.value;
      return { kind: "queue", subjectGid: customerGid, customerGid, stored: customer.value };
    }
    case "SHOP_REDACT":
      return { kind: "queue", subjectGid: null, customerGid: null, stored: {} };
    case "REFUNDS_CREATE": {
      const refund = parseRefundPayload(payload);
      if (!refund.ok) return { kind: "reject", reason: refund.reason };
      return { kind: "queue", subjectGid: refund.value.orderGid, customerGid: null, stored: refund.value };
    }
    default:
      return { kind: "reject", reason: `Tally does not subscribe to ${topic}` };
  }
}
