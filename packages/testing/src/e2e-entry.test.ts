import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { e2eBundlePaths, e2eEntryArgs } from "./e2e-entry.ts";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A repository with one source file and a workers bundle built from it; `sourceAge` s older than the bundle. */
function repoWithBundle(sourceAgeSeconds: number): string {
  const root = mkdtempSync(path.join(tmpdir(), "e2e-entry-"));
  roots.push(root);
  mkdirSync(path.join(root, "workers/src"), { recursive: true });
  writeFileSync(path.join(root, "workers/src/main.ts"), "export {};\n");
  const { bundle, meta } = e2eBundlePaths(root, "workers");
  mkdirSync(path.dirname(bundle), { recursive: true });
  writeFileSync(bundle, "export {};\n");
  writeFileSync(meta, JSON.stringify({ inputs: { "workers/src/main.ts": {} }, outputs: {} }));
  const now = Date.now() / 1000;
  utimesSync(bundle, now, now);
  utimesSync(path.join(root, "workers/src/main.ts"), now - sourceAgeSeconds, now - sourceAgeSeconds);
  return root;
}

describe("the entry an end-to-end stack starts a process from", () => {
  it("is the bundle while no source it was built from changed since", () => {
    const root = repoWithBundle(60);
    expect(e2eEntryArgs(root, "workers")).toEqual(["--enable-source-maps", e2eBundlePaths(root, "workers").bundle]);
  });

  it("is the sources through tsx when a source is newer than the bundle, or there is no bundle", () => {
    const stale = repoWithBundle(-60);
    expect(e2eEntryArgs(stale, "workers")).toEqual(["--import", "tsx", path.join(stale, "workers/src/main.ts")]);
    const none = repoWithBundle(60);
    rmSync(e2eBundlePaths(none, "workers").meta);
    expect(e2eEntryArgs(none, "workers")[0]).toBe("--import");
  });
});
