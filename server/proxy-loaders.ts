import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { callAction, send } from "./webhook-actions";

/**
 * GET /proxy/<path> straight to its route's loader (app/routes/proxy.*), as
 * webhooks go straight to their actions: every page a signed-in shopper
 * views asks once, so Remix's router and data-request machinery would be
 * paid on the storefront's busiest path for nothing a resource route uses.
 * Paths with no matching loader fall through to Remix.
 */
export function proxyLoaders(build: ServerBuild, appUrl: string) {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const loader = build.routes[`routes/${req.path.slice(1).replaceAll("/", ".")}`]?.module.loader;
    if (!loader) return next();
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const request = new Request(new URL(req.originalUrl, appUrl), { method: "GET", headers });
    callAction(loader, request).then(
      (response) => send(res, response),
      (error) => {
        console.error(`[web] ${req.path}:`, error);
        res.status(500).end();
      },
    );
  };
}
