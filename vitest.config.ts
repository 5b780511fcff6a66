import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

// Tiers named by what they touch: unit tests do no I/O; integration tests
// run against real PostgreSQL (a database created for the run) and Redis;
// server tests start the production server (`npm start`) in a child process
// against the app's build; browser tests add the storefront preview and
// Chromium (test/browser/README.md).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // Integration files share one database and Redis per run; running files
    // one at a time keeps their data and queues from interfering.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/global-setup.ts"],
          setupFiles: ["test/setup/integration-env.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "server",
          include: ["test/server/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/global-setup.ts", "test/setup/server-global-setup.ts"],
          setupFiles: ["test/setup/integration-env.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/global-setup.ts", "test/setup/browser-global-setup.ts"],
          setupFiles: ["test/setup/integration-env.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
