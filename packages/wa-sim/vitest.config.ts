import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "wa-sim",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
