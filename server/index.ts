// The production web server (`npm start`): the Remix build behind Express.
//
// Not remix-serve: it logs a line per request and compresses every response,
// which together cost a webhook request more CPU than verifying it, and it
// swaps Node's fetch classes for a polyfill after start-up. Here webhooks and
// app-proxy answers skip compression (they are tiny), static assets are
// served with long cache lifetimes, and Node 22's own fetch classes stay.
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const root = new URL("../", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 3000);

const build = await import(`${root}build/server/index.js`);
const app = express();
app.disable("x-powered-by");

const compress = compression();
const UNCOMPRESSED = /^\/(webhooks|proxy)\//;
app.use((req, res, next) => (UNCOMPRESSED.test(req.path) ? next() : compress(req, res, next)));
// Only under /assets: a catch-all static handler would stat the disk for
// every webhook before Remix saw it.
app.use("/assets", express.static(`${root}build/client/assets`, { immutable: true, maxAge: "1y" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = app.listen(port, () => console.info(`[web] Tally listening on http://localhost:${port}`));

// Finish in-flight requests (Shopify waits up to 5 s for a webhook answer).
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
