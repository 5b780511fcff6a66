import { createServer, type Server, type ServerResponse } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { warnThrottled } from "../app/throttled-log.server";
import { proxyAnswers } from "./proxy-answers";
import { webhookActions } from "./webhook-actions";

type Build = ServerBuild & {
  entry: { module: { proxyAnswers: Parameters<typeof proxyAnswers>[0] } };
};

export interface TallyServerOptions {
  /** The Remix build (build/server/index.js), whose entry exports the app-proxy answers. */
  build: Build;
  /** Where the build's client assets are (build/client/assets). */
  assetsDir: string;
  /** The public URL Shopify reaches the app on (SHOPIFY_APP_URL). */
  appUrl: string;
  mode: "development" | "production" | "test";
}

// What the app answers: pages and loaders (GET, HEAD), Remix actions and
// webhooks (POST). Nothing calls it cross-origin, so OPTIONS only says this.
const ALLOW = "GET, HEAD, POST, OPTIONS";
const METHODS = new Set(["GET", "HEAD", "POST"]);
const UNCOMPRESSED = /^\/(webhooks|proxy)\//;
// Admin pages and their data carry a shop's members and settings: no shared
// or browser cache may keep them. /auth answers are one-off redirects and pages.
const NO_STORE = /^\/(app|auth)(\/|$)/;
// A year, without includeSubDomains: the operator's other hosts are not ours to pin.
const HSTS = "max-age=31536000";

/**
 * The web server production runs (server/app.ts) and the browser tests run
 * in-process (test/browser/support/app.ts): the Remix build behind Express,
 * with app-proxy answers taken from the socket first. Not listening yet.
 */
export function createTallyServer({ build, assetsDir, appUrl, mode }: TallyServerOptions): Server {
  const app = express();
  app.disable("x-powered-by");

  const secure = (res: ServerResponse) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (mode === "production") res.setHeader("Strict-Transport-Security", HSTS);
  };
  app.use((req, res, next) => {
    if (NO_STORE.test(req.path)) res.setHeader("Cache-Control", "no-store");
    if (req.method === "OPTIONS") return plain(res.set("Allow", ALLOW), 204, "");
    if (!METHODS.has(req.method)) return refuse(res.set("Allow", ALLOW), 405, "Method Not Allowed");
    // Remix builds the request URL from Host: one that makes no URL must not reach it.
    const host = req.get("host");
    if (host !== undefined && !URL.canParse(`http://${host}/`)) return refuse(res, 400, "Bad Request");
    next();
  });

  const compress = compression();
  app.use((req, res, next) => (UNCOMPRESSED.test(req.path) ? next() : compress(req, res, next)));
  // Only under /assets: a catch-all static handler would stat the disk for
  // every webhook before Remix saw it.
  app.use("/assets", express.static(assetsDir, { immutable: true, maxAge: "1y" }));
  app.post("/webhooks/*", webhookActions(build, appUrl));
  app.all("/webhooks/*", (req, res) => refuse(res.set("Allow", "POST"), 405, "Method Not Allowed"));
  app.all("*", createRequestHandler({ build, mode }));
  // Remix answers its own errors; what arrives here is a fault of ours.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    console.error(`[web] ${req.method} ${req.path}:`, error);
    if (res.headersSent) return next(error);
    plain(res, 500, "Internal Server Error");
  });

  const answerProxy = proxyAnswers(build.entry.module.proxyAnswers);
  return createServer((req, res) => {
    secure(res);
    if (!answerProxy(req, res)) app(req, res);
  });
}

function plain(res: Response, status: number, body: string): void {
  res.status(status).type("text/plain").send(body);
}

// Anyone can send these at will: counted in the log, never a line each.
function refuse(res: Response, status: number, body: string): void {
  warnThrottled(`[web] refused requests (${status})`, `${res.req.method} ${res.req.path.slice(0, 200)}`);
  plain(res, status, body);
}
