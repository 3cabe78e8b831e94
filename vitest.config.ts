import { defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/sequencer.ts";

// One project per package/app; integration tests share Postgres and Redis, so files run one at a time per project
// where they touch shared state (each uses its own database or key prefix anyway). Timeouts live in
// vitest.shared.ts: projects do not inherit this file's `test` options.
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    projects: ["packages/*", "orchestrator", "workers", "scripts", "dashboard"],
    pool: "forks",
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
