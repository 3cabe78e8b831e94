import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "opt-out" } });
