import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SLOW_FILES } from "../../test/sequencer.ts";
import { sharedTest } from "../../vitest.shared.ts";
import { repoRoot } from "./sandbox.ts";

// Vitest projects do not inherit the root config's timeouts: a project config that forgets vitest.shared.ts runs
// with the 5 s default, which a loaded machine exceeds (it did, for database setup in this very project).
describe("Vitest projects", () => {
  const configs = ["orchestrator", "workers", "scripts", "dashboard"]
    .concat(readdirSync(path.join(repoRoot, "packages")).map((p) => `packages/${p}`))
    .map((dir) => path.join(dir, "vitest.config.ts"))
    .filter((file) => {
      try {
        readFileSync(path.join(repoRoot, file));
        return true;
      } catch {
        return false;
      }
    });

  it("every project config spreads the shared timeouts", () => {
    expect(configs.length).toBeGreaterThan(8);
    for (const file of configs) {
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      expect(text, file).toMatch(/import \{[^}]*\bsharedTest\b[^}]*\} from "(\.\.\/)+vitest\.shared\.ts"/);
      expect(text, file).toContain("...sharedTest");
    }
  });

  it("the projects that run Baileys or wa-sim in the test process guard the console (libsignal prints keys)", () => {
    const inProcess = ["workers", "packages/wa-sim", "orchestrator", "dashboard"];
    for (const file of inProcess.map((dir) => `${dir}/vitest.config.ts`)) {
      expect(readFileSync(path.join(repoRoot, file), "utf8"), file).toContain("setupFiles: [consoleGuardSetup]");
    }
  });

  it("every file the sequencer starts first still exists (a renamed one would silently start late again)", () => {
    for (const file of SLOW_FILES) expect(() => readFileSync(path.join(repoRoot, file)), file).not.toThrow();
  });

  it("the shared timeouts leave room for a loaded 2-core machine", () => {
    expect(sharedTest.testTimeout).toBeGreaterThanOrEqual(30_000);
    expect(sharedTest.hookTimeout).toBeGreaterThanOrEqual(60_000);
  });
});
