import { intakeWebhook, isComplianceTopic } from "~/domain/webhook-topics";
import { parseJsonExact } from "~/domain/json";
import { requestDrain } from "~/jobs/webhook-queue.server";
import { markUninstalled } from "~/models/install.server";
import { recordDelivery, type NewDelivery } from "~/models/webhook-delivery.server";
import { authenticate } from "~/shopify.server";
import { updateSessionScopes } from "~/models/scopes.server";

type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

/**
 * Every webhook route: verify (HMAC before anything touches the database),
 * record once per X-Shopify-Webhook-Id, hand off to the worker, answer fast.
 * Refusals are answered 200 and recorded: Shopify would only resend the same
 * bytes, and support sees the reason on the delivery row.
 */
export async function receiveWebhook(request: Request): Promise<Response> {
  // authenticate.webhook parses the body with plain JSON.parse, which rounds
  // ids above 2^53, so the raw text is kept to parse exactly.
  const raw = await request.text();
  let context: WebhookContext;
  try {
    context = await authenticate.webhook(forVerification(request, raw));
  } catch (error) {
    // The library parses JSON only after the HMAC checked out, so a
    // SyntaxError here is a correctly signed but malformed body.
    if (error instanceof SyntaxError) return recordMalformed(request, error);
    throw error;
  }

  const base = {
    shop: context.shop,
    webhookId: context.webhookId,
    topic: context.topic,
    eventId: context.webhookType === "webhooks" ? (context.eventId ?? null) : null,
    triggeredAt: parseTime(context.triggeredAt),
    apiVersion: context.apiVersion,
  };

  if (context.topic === "APP_UNINSTALLED") {
    await markUninstalled(context.shop);
    return settle({ ...base, status: "PROCESSED", outcome: "sessions deleted; shop marked uninstalled" });
  }
  if (context.topic === "APP_SCOPES_UPDATE") {
    const current = readScopes(context.payload);
    if (context.session && current) await updateSessionScopes(context.shop, current);
    return settle({ ...base, status: "PROCESSED", outcome: `scopes now ${current ?? "unknown"}` });
  }
  if (!context.session && !isComplianceTopic(context.topic)) {
    return settle({ ...base, status: "IGNORED", outcome: "shop has not installed Tally" });
  }

  const intake = intakeWebhook(context.topic, parseJsonExact(raw));
  switch (intake.kind) {
    case "reject":
      console.warn(`[webhooks] ${context.topic} ${context.webhookId} refused: ${intake.reason}`);
      return settle({ ...base, status: "REJECTED", outcome: intake.reason });
    case "queue": {
      const delivery = await recordDelivery({
        ...base,
        status: "PENDING",
        subjectGid: intake.subjectGid,
        customerGid: intake.customerGid,
        payload: intake.stored,
      });
      // Not awaited: the delivery is recorded, which is all Shopify needs to
      // hear about; the drain request follows within milliseconds.
      if (delivery.status === "PENDING") void requestDrain(context.shop);
      return ok();
    }
  }
}

/**
 * The request as Shopify's validator needs it: the raw body and only
 * Shopify's own headers. The library looks each header up by scanning and
 * re-canonicalizing every header the request carries (with a regex, per
 * lookup); proxies and load balancers add a dozen it never reads, and on
 * this path that scan cost more than the HMAC.
 */
function forVerification(request: Request, raw: string): Request {
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (name.startsWith("x-shopify-") || name.startsWith("shopify-") || name === "content-type") {
      headers.set(name, value);
    }
  }
  return new Request(request.url, { method: request.method, headers, body: raw });
}

async function settle(delivery: NewDelivery): Promise<Response> {
  await recordDelivery(delivery);
  return ok();
}

async function recordMalformed(request: Request, error: SyntaxError): Promise<Response> {
  const header = (name: string) => request.headers.get(name);
  const shop = header("x-shopify-shop-domain");
  const webhookId = header("x-shopify-webhook-id");
  const topic = header("x-shopify-topic");
  console.warn(`[webhooks] ${topic} ${webhookId} from ${shop}: malformed JSON (${error.message})`);
  if (shop && webhookId && topic) {
    await recordDelivery({
      shop,
      webhookId,
      topic: topic.toUpperCase().replace(/[/.]/g, "_"),
      status: "REJECTED",
      outcome: `malformed JSON: ${error.message}`,
    });
  }
  return ok();
}

function readScopes(payload: unknown): string | null {
  const current = (payload as { current?: unknown } | null)?.current;
  return Array.isArray(current) && current.every((s) => typeof s === "string") ? current.join(",") : null;
}

function parseTime(value: string | undefined): Date | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

const ok = () => new Response(null, { status: 200 });
