// The production web server (`npm start`): the Remix build behind Express,
// in WEB_CONCURRENCY processes. The default leaves one core to the worker and
// PostgreSQL: on the 2-core benchmark box, two web processes contending with
// them cost 50% more CPU per webhook than one (docs/benchmarks.md).
//
// Not remix-serve: it logs a line per request and compresses every response,
// which together cost a webhook request more CPU than verifying it, and it
// swaps Node's fetch classes for a polyfill after start-up. Here webhooks go
// straight to their route's action, webhooks and app-proxy answers skip
// compression (they are tiny), static assets are served with long cache
// lifetimes, and Node 22's own fetch classes stay (docs/decisions/0006).
import cluster from "node:cluster";
import { availableParallelism } from "node:os";

const processes = Number(process.env.WEB_CONCURRENCY ?? Math.max(1, availableParallelism() - 1));

if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (signal !== "SIGTERM" && signal !== "SIGINT" && code !== 0) {
      console.error(`[web] process ${worker.process.pid} died (${signal ?? code}); starting another`);
      cluster.fork();
    }
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
    });
  }
} else {
  await import("./app");
}
