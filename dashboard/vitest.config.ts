import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";
import { consoleGuardSetup, sharedTest } from "../vitest.shared.ts";

// Unit tests (catalogues, locale negotiation) and the browser end-to-end suite against the whole stack. The e2e
// suite builds the dashboard when its sources changed (minutes on a loaded 2-core machine): generous timeouts. Its
// files run in parallel with the rest of the suite (scripts/build.mjs makes concurrent builds wait for one).
export default defineProject({
  // tsconfig's "@/*" path, so a unit test can render a component built from the shared UI parts.
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    ...sharedTest,
    name: "dashboard",
    include: ["src/**/*.test.ts", "e2e/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 900_000,
    // The e2e stack runs wa-sim in the test process: its contacts' libsignal prints session records on console.
    setupFiles: [consoleGuardSetup],
  },
});
