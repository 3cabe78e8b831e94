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
  return JSON.parse(stdout) as Record<"node" | "lean" | "fromJs" | "restored" | "unmapped", string> & {
    brief: Record<"captured" | "named" | "elsewhere", string>;
  };
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

  it("keeps only the first frames of a stack captured for later in a file `brief` names", {
    timeout: 40_000,
  }, async () => {
    const { brief } = await stacks();
    const captures = path.join(path.dirname(fixture), "captures.ts");
    const lines = brief.captured.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("Error");
    expect(lines[1]).toBe(`    at captureStack (${captures}:2:43)`);
    expect(lines[2]).toMatch(/^ {4}at deep \(.*throws\.ts:\d+:\d+\)$/);
    expect(lines[3]).toMatch(/^ {4}\.\.\. \d+ more frames$/);
    // An error with a message is one to read: whole. So is a messageless one from anywhere else.
    expect(brief.named.split("\n").length).toBeGreaterThan(6);
    expect(brief.named).not.toContain("more frames");
    expect(brief.elsewhere.split("\n").length).toBeGreaterThan(6);
    expect(brief.elsewhere).not.toContain("more frames");
  });
});
