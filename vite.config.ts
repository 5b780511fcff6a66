import { vitePlugin as remix } from "@remix-run/dev";
import { installGlobals } from "@remix-run/node";
import { defineConfig, loadEnv } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

installGlobals({ nativeFetch: true });

// `shopify app dev` passes the tunnel URL as HOST; the app reads SHOPIFY_APP_URL.
if (process.env.HOST && (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === process.env.HOST)) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
  delete process.env.HOST;
}

const host = new URL(process.env.SHOPIFY_APP_URL || "http://localhost").hostname;
// Behind the CLI's HTTPS tunnel the browser reaches HMR on 443; locally on its own port.
const hmr =
  host === "localhost"
    ? { protocol: "ws", host: "localhost", port: 64999, clientPort: 64999 }
    : { protocol: "wss", host, port: Number(process.env.FRONTEND_PORT) || 8002, clientPort: 443 };

export default defineConfig(({ mode }) => {
  // The dev server's server code reads DATABASE_URL and friends from .env;
  // values already in the environment (from the Shopify CLI) win.
  for (const [name, value] of Object.entries(loadEnv(mode, process.cwd(), ""))) {
    process.env[name] ??= value;
  }
  return {
    server: {
      allowedHosts: [host],
      cors: { preflightContinue: true },
      port: Number(process.env.PORT || 3000),
      hmr,
      fs: { allow: ["app", "node_modules"] },
    },
    plugins: [
      remix({
        ignoredRouteFiles: ["**/.*"],
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_lazyRouteDiscovery: true,
          v3_singleFetch: false,
        },
      }),
      tsconfigPaths(),
    ],
    build: { assetsInlineLimit: 0 },
    optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
  };
});
