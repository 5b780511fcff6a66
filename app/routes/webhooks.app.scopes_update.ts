import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// app/scopes_update: see its entry in app/webhook-topics.server.ts.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "app/scopes_update");
