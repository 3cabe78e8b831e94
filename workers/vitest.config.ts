import { defineProject } from "vitest/config";
import { consoleGuardSetup, sharedTest } from "../vitest.shared.ts";

// Real Baileys against wa-sim: pairing and reconnects take seconds, not milliseconds.
export default defineProject({
  test: { ...sharedTest, name: "workers", testTimeout: 60_000, setupFiles: [consoleGuardSetup] },
});
