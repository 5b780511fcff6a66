import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request);
