import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { checkWebhookHeaders, WEBHOOK_BODY_LIMIT_BYTES } from "../app/domain/webhook-headers";
import { warnThrottled } from "../app/throttled-log.server";

// Bytes of unverified webhook bodies held at once by this process, all
// requests together. Shopify's bodies are a few kilobytes, so thousands fit;
// a flood of large ones waits for Shopify's retry (503) instead of growing
// the process (docs/decisions/0017).
const IN_FLIGHT_LIMIT_BYTES = 8 * WEBHOOK_BODY_LIMIT_BYTES;
let inFlight = 0;

/**
 * POST /webhooks/<topic> straight to its route's action (app/routes/webhooks.*),
 * skipping Remix's router and data-request machinery, which cost a webhook a
 * third of its CPU. Webhooks are the one path where Shopify sets the pace
 * (bursts of thousands a minute, a 5 s deadline), and a resource-route
 * action needs nothing that machinery adds. Paths with no matching route
 * fall through to Remix (and its 404).
 *
 * Nobody is authenticated until the body's HMAC is checked, so before a byte
 * of the body is read the headers must be Shopify's and the declared length
 * within the limit; the bytes are counted as they come and the connection is
 * cut past the limit.
 */
export function webhookActions(build: ServerBuild, appUrl: string) {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const action = build.routes[`routes/${req.path.slice(1).replaceAll("/", ".")}`]?.module.action;
    if (!action) return next();
    const check = checkWebhookHeaders((name) => headerOf(req, name));
    if (!check.ok) return refuse(req, res, check.status, check.reason);

    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const release = () => {
      inFlight -= size;
      size = 0;
    };
    const stop = (status: number, reason: string) => {
      refused = true;
      chunks.length = 0;
      release();
      refuse(req, res, status, reason);
    };
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      if (size + chunk.length > WEBHOOK_BODY_LIMIT_BYTES)
        return stop(413, "body over the limit while reading");
      if (inFlight + chunk.length > IN_FLIGHT_LIMIT_BYTES)
        return stop(503, "too many webhook bytes in flight");
      size += chunk.length;
      inFlight += chunk.length;
      chunks.push(chunk);
    });
    req.on("close", release);
    req.on("end", () => {
      if (refused) return;
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const request = new Request(new URL(req.originalUrl, appUrl), {
        method: "POST",
        headers,
        body: Buffer.concat(chunks),
      });
      chunks.length = 0;
      release();
      callAction(action, request).then(
        (response) => send(res, response),
        (error) => {
          console.error(`[web] ${req.path}:`, error);
          res.status(500).end();
        },
      );
    });
  };
}

function headerOf(req: ExpressRequest, name: string): string | null {
  const value = req.headers[name];
  // A header sent twice is not Shopify's: refused by the shape checks.
  return Array.isArray(value) ? null : (value ?? null);
}

// After a refusal the connection lingers a moment, its bytes discarded as
// they come, so that the client reads the answer: closing a socket with
// unread data makes TCP reset it, and the client sees a reset instead.
const LINGER_MS = 1_000;
const LINGER_BYTES = 1024 * 1024;

/** Answers and closes the connection: the rest of the body is never kept. */
function refuse(req: ExpressRequest, res: ExpressResponse, status: number, reason: string): void {
  if (res.headersSent) return;
  warnThrottled(
    `[web] refused webhook requests (${status})`,
    `${reason}: ${req.path} for ${String(req.headers["x-shopify-shop-domain"] ?? "?").slice(0, 80)}`,
  );
  res.writeHead(status, {
    Connection: "close",
    "Content-Length": "0",
    ...(status === 503 ? { "Retry-After": "5" } : {}),
  });
  res.end();
  let discarded = 0;
  const cut = () => req.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  req.removeAllListeners("data");
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) cut();
  });
  req.once("close", () => clearTimeout(timer));
  req.resume();
}

type Action = NonNullable<ServerBuild["routes"][string]["module"]["action"]>;

async function callAction(action: Action, request: Request): Promise<Response> {
  try {
    const result = await action({ request, params: {}, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    // Guards such as authenticate.webhook throw their answer (401, 400, 405).
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function send(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}
