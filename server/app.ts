import { getEnv } from "../app/env.server";
import { createTallyServer } from "./tally-server";

const root = new URL("../", import.meta.url).pathname;
// Fail at boot with the operator's message (.env.example), not on the first request.
const env = getEnv();

const server = createTallyServer({
  build: await import(`${root}build/server/index.js`),
  assetsDir: `${root}build/client/assets`,
  appUrl: env.SHOPIFY_APP_URL,
  mode: env.NODE_ENV,
});
server.listen(env.PORT, env.HOST, () =>
  console.info(`[web] Tally listening on http://${env.HOST}:${env.PORT} (pid ${process.pid})`),
);

// Finish in-flight requests (Shopify waits up to 5 s for a webhook answer).
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
