/**
 * Rules that biome cannot express, checked over every file git tracks (or would track): documents and comments
 * never point outside the repository nor at issue numbers, every "decision N" exists in ARCHITECTURE.md, and SQL
 * lives only in packages/db query modules.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
  cwd: root,
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
})
  .split("\0")
  .filter((f) => f && /\.(ts|tsx|js|mjs|cjs|md|sql|sh|ya?ml|json|toml)$|^mirage$|^Dockerfile$/.test(f))
  .filter((f) => !/(^|\/)(node_modules|dist|\.next)\//.test(f) && f !== "pnpm-lock.yaml");
// This file names the patterns it looks for.
const self = "scripts/test/repo-rules.test.ts";
const read = (f: string) => {
  try {
    return readFileSync(path.join(root, f), "utf8");
  } catch {
    return ""; // listed but deleted in the work tree
  }
};

/** Lines of `files` matching `pattern`, as "file:line: text". */
function offenders(pattern: RegExp, only: (f: string) => boolean = () => true): string[] {
  const found: string[] = [];
  for (const f of files) {
    if (f === self || !only(f)) continue;
    read(f)
      .split("\n")
      .forEach((line, i) => {
        if (pattern.test(line)) found.push(`${f}:${i + 1}: ${line.trim().slice(0, 160)}`);
      });
  }
  return found;
}

describe("repository rules", () => {
  it("sees the repository's files", () => {
    expect(files).toContain("ARCHITECTURE.md");
    expect(files).toContain("packages/db/src/instances.ts");
  });

  it("no file points outside the repository", () => {
    expect(offenders(/\.\.\/shared\b|\/work\/shared|shared\/(research|reference)\//)).toEqual([]);
  });

  it("no file refers to issue numbers", () => {
    expect(offenders(/\bissues?\s*#?\s*\d+\b|\bissue-\d+\b|#\d+\s+\(issue\)/i)).toEqual([]);
  });

  it('every "decision N" is one of ARCHITECTURE.md\'s decisions', () => {
    const architecture = read("ARCHITECTURE.md");
    const decisions = new Set([...architecture.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1])));
    expect(decisions.size).toBeGreaterThan(0);
    const unknown: string[] = [];
    for (const f of files) {
      if (f === self) continue;
      for (const m of read(f).matchAll(/\bdecisions?[\s-]+(\d+)/gi)) {
        if (!decisions.has(Number(m[1]))) unknown.push(`${f}: ${m[0]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("SQL lives in packages/db query modules only", () => {
    // A template literal that starts a statement: select / insert into / update … set / delete from / with … as.
    const sql = /`\s*(select\s|insert\s+into\s|update\s+[\w.]+\s+set\s|delete\s+from\s|with\s+\w+\s+as\s*\()/i;
    const inScope = (f: string) =>
      /^(orchestrator\/src|workers\/src|scripts|packages\/(?!db\/|testing\/)[^/]+\/src)\//.test(f) &&
      f.endsWith(".ts") &&
      !f.endsWith(".test.ts") &&
      !f.includes("/test/");
    expect(offenders(sql, inScope)).toEqual([]);
  });
});
