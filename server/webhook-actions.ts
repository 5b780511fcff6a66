import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";

/**
 * POST /webhooks/<topic> straight to its route's action (app/routes/webhooks.*),
 * skipping Remix's router and data-request machinery, which cost a webhook a
 * third of its CPU. Webhooks are the one path where Shopify sets the pace
 * (bursts of thousands a minute, a 5 s deadline), and a resource-route
 * action needs nothing that machinery adds. Paths with no matching route
 * fall through to Remix (and its 404).
 */
export function webhookActions(build: ServerBuild, appUrl: string) {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const action = build.routes[`routes/${req.path.slice(1).replaceAll("/", ".")}`]?.module.action;
    if (!action) return next();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const request = new Request(new URL(req.originalUrl, appUrl), {
        method: "POST",
        headers,
        body: Buffer.concat(chunks),
      });
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
