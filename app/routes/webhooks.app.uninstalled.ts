import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// app/uninstalled: see its entry in app/webhook-topics.server.ts.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "app/uninstalled");
