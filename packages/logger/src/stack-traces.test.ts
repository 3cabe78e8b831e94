import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const fixture = path.join(import.meta.dirname, "../test/fixtures/throws.ts");

// Source maps are Node's own (tsx registers them as modules load), so this runs in a real `node --import tsx`.
async function stacks() {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", fixture], {
    cwd: path.dirname(fixture),
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<"node" | "lean" | "fromJs" | "restored" | "unmapped", string>;
}

describe("installLeanStackTraces", () => {
  it("points frames at the TypeScript source, as Node's source-mapped stacks do", { timeout: 40_000 }, async () => {
    const s = await stacks();
    const file = fixture;
    // The JavaScript tsx runs has other positions: without the map the frame would not name line 12.
    expect(s.unmapped).not.toContain(`throws.ts:12:`);
    expect(s.node).toContain(`at fail (${file}:12:9)`);
    expect(s.lean.split("\n").slice(0, 3)).toEqual([
      "Error: no square",
      `    at fail (${file}:12:9)`,
      `    at stackOf (${file}:16:5)`,
    ]);
    // Frames without a source map are V8's own text, untouched.
    expect(s.lean).toContain("at ModuleJob.run (node:internal/modules/esm/module_job:");
    expect(s.fromJs.split("\n").slice(0, 2)).toEqual([
      "SyntaxError: Expected property name or '}' in JSON at position 1",
      "    at JSON.parse (<anonymous>)",
    ]);
    expect(s.fromJs).toContain(`${file}:26:`);
    // Restored: Node's formatting again.
    expect(s.restored).toContain(`at fail (${file}:12:9)`);
    expect(s.restored).toContain("at <anonymous> (");
  });
});
