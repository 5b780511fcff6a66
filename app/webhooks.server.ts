import {
  checkWebhookHeaders,
  WEBHOOK_BODY_LIMIT_BYTES,
  WEBHOOK_HEADERS,
  type WebhookHeaders,
} from "~/domain/webhook-headers";
import { isJsonObject, storedTopic, type WebhookTopic } from "~/domain/webhook-topics";
import { parseJsonExact } from "~/domain/json";
import { requestDrain } from "~/jobs/webhook-queue.server";
import { wasEverInstalled } from "~/models/install.server";
import {
  NEVER_INSTALLED_OUTCOME,
  recordDelivery,
  roomForStrangerDelivery,
  type NewDelivery,
} from "~/models/webhook-delivery.server";
import { authenticate } from "~/shopify.server";
import { warnThrottled } from "~/throttled-log.server";
import { TOPICS } from "~/webhook-topics.server";

type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

/**
 * Every webhook route (docs/decisions/0005, 0017): headers checked and the
 * body read within its limit before anything else; the HMAC verified before
 * anything touches the database; then the delivery is bound to the route's
 * topic and, where its body names one, to the header's shop; recorded once
 * per X-Shopify-Webhook-Id; handed to the worker; answered fast. A signed
 * body Tally cannot use is answered 200 and recorded with the reason:
 * Shopify would only resend the same bytes, and support sees it.
 */
export async function receiveWebhook(request: Request, routeTopic: WebhookTopic): Promise<Response> {
  if (request.method !== "POST") return plain(405, { Allow: "POST" });
  const check = checkWebhookHeaders((name) => request.headers.get(name));
  if (!check.ok) return refuseUnsigned(request, check.status, check.reason);
  const raw = await readWithin(request, WEBHOOK_BODY_LIMIT_BYTES);
  if (raw === null) return refuseUnsigned(request, 413, "body over the limit");
  if (raw.length === 0) return refuseUnsigned(request, 400, "empty body");

  let context: WebhookContext;
  try {
    context = await authenticate.webhook(forVerification(request.url, check.headers, raw));
  } catch (error) {
    // The library parses JSON only after the HMAC checked out, so a
    // SyntaxError here is a correctly signed body that is not JSON.
    if (error instanceof SyntaxError) return refuseSigned(check.headers.shop, routeTopic, "not JSON");
    if (error instanceof Response) return refuseUnsigned(request, error.status, "HMAC does not match");
    throw error;
  }
  // authenticate.webhook parses with plain JSON.parse, which rounds ids
  // above 2^53: the raw text is parsed again, exactly.
  const payload = parseJsonExact(raw);
  // Shopify sends objects only. Anything else signed with the app secret is
  // not a webhook (a session token's `header.payload` is, byte for byte,
  // signed like one) and gets no row in any shop's log.
  if (!isJsonObject(payload)) return refuseSigned(context.shop, routeTopic, "not a JSON object");

  const { headers } = check;
  const base = {
    shop: context.shop,
    webhookId: context.webhookId,
    topic: storedTopic(headers.topic),
    eventId: headers.eventId,
    triggeredAt: parseTime(headers.triggeredAt),
    apiVersion: context.apiVersion,
  };
  const entry = TOPICS[routeTopic];
  const installed = Boolean(context.session);

  if (!installed && !(await wasEverInstalled(context.shop))) return recordStranger(base);
  if (headers.topic !== routeTopic) {
    const reason = `${headers.topic} delivered to the ${routeTopic} route: nothing done`;
    console.warn(`[webhooks] ${context.shop} ${context.webhookId} refused: ${reason}`);
    await recordDelivery({ ...base, status: "REJECTED", outcome: reason });
    return plain(400);
  }
  if (!installed && !entry.answeredWhenUninstalled) {
    return settle({ ...base, status: "IGNORED", outcome: "shop has not installed Tally" });
  }

  const read = entry.read(payload, context.shop);
  if (!read.ok) {
    const level = entry.destructive ? "error" : "warn";
    console[level](
      `[webhooks] ${routeTopic} ${context.webhookId} for ${context.shop} refused: ${read.reason}`,
    );
    return settle({ ...base, status: "REJECTED", outcome: read.reason });
  }
  const { processing } = entry;
  if (processing.kind === "inline") {
    return settle({ ...base, ...(await processing.run(context.shop, read.value.stored, installed)) });
  }
  const delivery = await recordDelivery({
    ...base,
    status: "PENDING",
    subjectGid: read.value.subjectGid,
    customerGid: read.value.customerGid,
    payload: read.value.stored,
    guardErased: entry.guardErased,
  });
  // Not awaited: the delivery is recorded, which is all Shopify needs to
  // hear about; the drain request follows within milliseconds.
  if (delivery.status === "PENDING") void requestDrain(context.shop);
  return ok();
}

/**
 * The body as text, or null past `limit` bytes. Read as a stream and
 * counted as it comes, so an oversized body is never held whole (the
 * production server cuts such a connection before this; this is the same
 * rule for every other way a request reaches the route).
 */
async function readWithin(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The request as Shopify's validator needs it: the raw body and only the
 * X-Shopify headers checked above. Nothing else reaches the library, so no
 * unsigned header can change what it checks (a `shopify-hmac-sha256`
 * header would switch it to the Events format), and it does not scan the
 * dozen headers proxies add on every lookup.
 */
function forVerification(url: string, checked: WebhookHeaders, raw: string): Request {
  const headers = new Headers({ "content-type": "application/json" });
  for (const key of Object.keys(WEBHOOK_HEADERS) as Array<keyof typeof WEBHOOK_HEADERS>) {
    const value = checked[key];
    if (value !== null) headers.set(WEBHOOK_HEADERS[key], value);
  }
  return new Request(url, { method: "POST", headers, body: raw });
}

/** Refused before the signature checked out: no database work, one log line a minute at most. */
function refuseUnsigned(request: Request, status: number, reason: string): Response {
  const shop = (request.headers.get(WEBHOOK_HEADERS.shop) ?? "?").slice(0, 80);
  warnThrottled(`[webhooks] refused unsigned requests (${status})`, `${reason}, for ${shop}`);
  return plain(status);
}

/** Signed with the app secret but no webhook: nothing is recorded. */
function refuseSigned(shop: string, route: WebhookTopic, reason: string): Response {
  warnThrottled("[webhooks] refused signed bodies", `${reason}, on ${route} for ${shop}`);
  return plain(400);
}

async function recordStranger(base: NewDelivery | Omit<NewDelivery, "status">): Promise<Response> {
  if (await roomForStrangerDelivery()) {
    await recordDelivery({ ...base, status: "IGNORED", outcome: NEVER_INSTALLED_OUTCOME });
  } else {
    warnThrottled(
      "[webhooks] deliveries for shops that never installed, not recorded (daily cap)",
      base.shop,
    );
  }
  return ok();
}

async function settle(delivery: NewDelivery): Promise<Response> {
  await recordDelivery(delivery);
  return ok();
}

function parseTime(value: string | null): Date | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

const plain = (status: number, headers: Record<string, string> = {}) =>
  new Response(null, { status, headers });
const ok = () => plain(200);
