import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

// Two tiers named by what they touch: unit tests do no I/O; integration tests
// run against real PostgreSQL (a database created for the run) and Redis.
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
    ],
  },
});
