import { defineConfig } from "vitest/config";

// One project per package/app; integration tests share Postgres and Redis, so files run one at a time per project
// where they touch shared state (each uses its own database or key prefix anyway).
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    projects: ["packages/*", "orchestrator", "workers", "scripts", "dashboard"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
