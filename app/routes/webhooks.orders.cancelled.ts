import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// orders/cancelled: see its entry in app/webhook-topics.server.ts.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "orders/cancelled");
