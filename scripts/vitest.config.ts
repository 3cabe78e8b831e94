import { defineProject } from "vitest/config";

// Scripts tests spawn tsx and real processes: the same timeouts as the other projects (a project does not inherit
// the root's), so a busy machine does not fail them at vitest's 5 s default.
export default defineProject({
  test: { name: "scripts", include: ["test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
});
