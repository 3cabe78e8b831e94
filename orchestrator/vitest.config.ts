import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "orchestrator", testTimeout: 120_000, hookTimeout: 90_000 } });
