import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.join(import.meta.dirname, "..");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });

describe("relative times", () => {
  it("are always measured from a ticking clock (useRelativeTime or an explicit now), never the render's instant", () => {
    const offenders: string[] = [];
    for (const file of files(SRC)) {
      const text = readFileSync(file, "utf8");
      // `relativeTime(x)` with one argument: no `now`, so the text freezes at the render.
      for (const m of text.matchAll(/\.relativeTime\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g)) {
        if (!(m[1] ?? "").includes(",")) offenders.push(`${path.relative(SRC, file)}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
