import { defineProject } from "vitest/config";
import { sharedTest } from "../vitest.shared.ts";

// Every test here runs processes (bash, npm, tsx, node): each gives its own timeout next to the spawn.
export default defineProject({ test: { ...sharedTest, name: "scripts", include: ["test/**/*.test.ts"] } });
