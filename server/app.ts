import { createServer } from "node:http";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import { proxyAnswers } from "./proxy-answers";
import { webhookActions } from "./webhook-actions";

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
const appUrl = process.env.SHOPIFY_APP_URL ?? `http://localhost:${port}`;
app.post("/webhooks/*", webhookActions(build, appUrl));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const answerProxy = proxyAnswers(build.entry.module.proxyAnswers);
const server = createServer((req, res) => {
  if (!answerProxy(req, res)) app(req, res);
});
server.listen(port, () =>
  console.info(`[web] Tally listening on http://localhost:${port} (pid ${process.pid})`),
);

// Finish in-flight requests (Shopify waits up to 5 s for a webhook answer).
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
