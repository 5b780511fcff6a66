import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// customers/data_request: see its entry in app/webhook-topics.server.ts.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "customers/data_request");
