import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// refunds/create: see its entry in app/webhook-topics.server.ts.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "refunds/create");
