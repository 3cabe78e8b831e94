import { defineProject } from "vitest/config";
import { sharedTest } from "../vitest.shared.ts";

export default defineProject({ test: { ...sharedTest, name: "orchestrator", hookTimeout: 90_000 } });
