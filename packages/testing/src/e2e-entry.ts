/**
 * How the end-to-end stacks start a worker or an orchestrator process: from a bundle of its `src/main.ts` built for
 * this test run (test/e2e-bundles.ts), else from the sources through tsx.
 *
 * A bundle is plain JavaScript: a process started from it skips tsx's loader, which compiles every TypeScript file
 * and sits in front of every module Node loads (Baileys alone takes 1.75 CPU-s to load through it, 0.98 without).
 * Measured on three end-to-end files (messaging, instances, pairing) in one run each: 93 CPU-s from bundles, 102
 * through tsx. A bundle is used only while it is newer than every file it was built from, so a test never runs code
 * older than the sources beside it.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

export type E2eApp = "workers" | "orchestrator";

/** Where a bundle and its esbuild metafile live: beside the app's dist/ (same depth, so relative paths agree). */
export function e2eBundlePaths(repoRoot: string, app: E2eApp): { bundle: string; meta: string } {
  const dir = path.join(repoRoot, app, ".e2e-bundle");
  return { bundle: path.join(dir, "main.js"), meta: path.join(dir, "meta.json") };
}

const fresh = new Map<string, boolean>();

/** True when the bundle exists and none of the repository files it was built from changed since (checked once). */
export function e2eBundleIsFresh(repoRoot: string, app: E2eApp): boolean {
  const { bundle, meta } = e2eBundlePaths(repoRoot, app);
  const known = fresh.get(bundle);
  if (known !== undefined) return known;
  let ok = false;
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const inputs = Object.keys((JSON.parse(readFileSync(meta, "utf8")) as { inputs: object }).inputs);
    ok = inputs.length > 0 && inputs.every((file) => statSync(path.join(repoRoot, file)).mtimeMs <= builtAt);
  } catch {
    ok = false;
  }
  fresh.set(bundle, ok);
  return ok;
}

/** `node` arguments that start `app`: its fresh bundle with source maps, or `--import tsx <app>/src/main.ts`. */
export function e2eEntryArgs(repoRoot: string, app: E2eApp): string[] {
  return e2eBundleIsFresh(repoRoot, app)
    ? ["--enable-source-maps", e2eBundlePaths(repoRoot, app).bundle]
    : ["--import", "tsx", path.join(repoRoot, app, "src/main.ts")];
}
