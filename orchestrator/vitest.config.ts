import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "orchestrator", testTimeout: 30_000, hookTimeout: 90_000 } });
