import { defineProject } from "vitest/config";
import { consoleGuardSetup, sharedTest } from "../vitest.shared.ts";

// The end-to-end suites run wa-sim in the test process: its contacts' libsignal prints session records on console.
export default defineProject({
  test: { ...sharedTest, name: "orchestrator", hookTimeout: 90_000, setupFiles: [consoleGuardSetup] },
});
