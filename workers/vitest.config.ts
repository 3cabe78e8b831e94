import { defineProject } from "vitest/config";

// Real Baileys against wa-sim: pairing and reconnects take seconds, not milliseconds.
export default defineProject({ test: { name: "workers", testTimeout: 60_000, hookTimeout: 60_000 } });
