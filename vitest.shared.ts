/**
 * Timeouts every Vitest project uses. Projects do not inherit the root config's `test` options, so each project's
 * vitest.config.ts spreads these (scripts/test/vitest-projects.test.ts checks). Sized for a loaded 2-core machine:
 * many tests create databases, start processes or open Baileys sockets; tests that spawn a process also give their
 * own, larger timeout next to the spawn.
 */
export const sharedTest = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  teardownTimeout: 30_000,
  // A Vitest worker keeps its modules from one test file to the next instead of importing them again for each file:
  // the orchestrator's 30 integration files took 103 s (imports 118 s of workers' time) isolated, 46 s (18 s) not.
  // Every file still makes its own databases, Redis prefixes and processes, and nothing here mocks modules.
  isolate: false,
} as const;

/**
 * `setupFiles` entry of every project that runs Baileys or wa-sim (its contacts use libsignal) in the test process: routes console.* to a silent logger, so
 * libsignal's session dumps (private keys included) stay out of the test output. See packages/testing/src/console-guard.ts.
 */
export const consoleGuardSetup = new URL("./packages/testing/src/console-guard.ts", import.meta.url).pathname;
