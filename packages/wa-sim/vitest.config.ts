import { defineProject } from "vitest/config";
import { consoleGuardSetup, sharedTest } from "../../vitest.shared.ts";

// Baileys clients run in the test process: their libsignal prints session records through console.
export default defineProject({ test: { ...sharedTest, name: "wa-sim", setupFiles: [consoleGuardSetup] } });
