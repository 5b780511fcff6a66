import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createTallyServer } from "../../../server/tally-server";

// The app as production serves it (server/tally-server.ts, the factory
// server/app.ts uses), here in the calling process on a free port, so the
// Shopify stand-in's msw interception (same process) answers its Admin API calls.

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

export async function serveAppBuild(): Promise<ServedApp> {
  const build = await import(/* @vite-ignore */ pathToFileURL(`${root}build/server/index.js`).href);
  const server = createTallyServer({
    build,
    assetsDir: `${root}build/client/assets`,
    appUrl: process.env.SHOPIFY_APP_URL!,
    mode: "production",
  });
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
