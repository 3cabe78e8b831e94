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
    // Three files at a time on CI's 2 cores: most of a suite's time is spent waiting (wa-sim's timers, browsers,
    // child processes), not computing. Measured on a clean clone, both green: two at a time 1,083 s of Vitest (CPU
    // 55 % used), three 771 s, with the slowest tests' own durations within a few seconds of each other. Four is
    // slower: the CPU is already saturated for the whole run (vmstat), and the browser suites took twice as long.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
