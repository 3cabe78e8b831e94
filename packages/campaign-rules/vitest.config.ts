import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "campaign-rules" } });
