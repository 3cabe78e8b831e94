/**
 * Production build: one ES module per process, compiled and bundled by esbuild.
 *
 *   orchestrator/src/main.ts → orchestrator/dist/main.js
 *   workers/src/main.ts      → workers/dist/main.js
 *   scripts/db.ts            → dist/db.js   (migrate and seed; needs supabase/ next to dist/)
 *
 * The workspace packages (@mirage/*) are TypeScript sources, so they are bundled in. npm packages stay external and
 * are loaded from the app's production node_modules at run time; the build fails when an app's output imports a
 * package its package.json does not list under `dependencies` (it would be missing from a production install).
 * `@mirage/wa-sim` (the simulator, a development tool) stays external and may only be imported dynamically, so a
 * production worker never loads it unless started in simulator mode. dist/db.js bundles everything (postgres.js and
 * zod are plain JavaScript), so the migrate step needs no node_modules at all.
 *
 *   tsx scripts/build.ts   (pnpm run build)
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { type BuildOptions, build, type Metafile, type Plugin } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const SIMULATOR = "@mirage/wa-sim";

type Target = { name: string; entry: string; outfile: string; app?: string };
export const targets: Target[] = [
  {
    name: "orchestrator",
    entry: "orchestrator/src/main.ts",
    outfile: "orchestrator/dist/main.js",
    app: "orchestrator",
  },
  { name: "workers", entry: "workers/src/main.ts", outfile: "workers/dist/main.js", app: "workers" },
  { name: "migrate", entry: "scripts/db.ts", outfile: "dist/db.js" },
];

const packageName = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : (specifier.split("/")[0] ?? specifier);
const isBuiltin = (specifier: string) =>
  specifier.startsWith("node:") || builtinModules.includes(packageName(specifier));

/** npm packages external; workspace packages bundled, the simulator too only when `simulator` is "bundle". */
const externalNpmPlugin = (simulator: "external" | "bundle"): Plugin => ({
  name: "external-npm",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isBuiltin(args.path)) return { external: true };
      const pkg = packageName(args.path);
      if (pkg.startsWith("@mirage/") && (pkg !== SIMULATOR || simulator === "bundle")) return undefined;
      return { external: true };
    });
  },
});
const externalNpm = externalNpmPlugin("external");

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
  // Bundled ESM has no `require`; a CommonJS dependency inlined by mistake would need one.
  banner: {
    js: 'import { createRequire as __mirageRequire } from "node:module"; const require = __mirageRequire(import.meta.url);',
  },
};

/** Problems with what an app's output imports at run time (empty when fine). */
export function checkExternals(metafile: Metafile, outfile: string, dependencies: Record<string, string>): string[] {
  const output = metafile.outputs[outfile];
  if (!output) return [`no output ${outfile}`];
  const problems: string[] = [];
  for (const imp of output.imports) {
    if (!imp.external || isBuiltin(imp.path)) continue;
    const pkg = packageName(imp.path);
    if (pkg === SIMULATOR) {
      if (imp.kind !== "dynamic-import") {
        problems.push(`${outfile} imports ${imp.path} statically: the simulator may only be loaded with import()`);
      }
      continue;
    }
    if (!dependencies[pkg]) problems.push(`${outfile} imports ${pkg}, which is not in its package.json dependencies`);
  }
  return problems;
}

export async function buildAll(): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  for (const t of targets) {
    rmSync(path.join(root, path.dirname(t.outfile)), { recursive: true, force: true });
    const result = await build({
      ...common,
      absWorkingDir: root,
      entryPoints: [t.entry],
      outfile: t.outfile,
      plugins: t.app ? [externalNpm] : [],
      // The migrate bundle has no node_modules beside it: everything but Node's own modules goes in.
      ...(t.app ? {} : { external: ["node:*"] }),
    });
    const metafile = result.metafile;
    if (!metafile) throw new Error("esbuild returned no metafile");
    if (t.app) {
      const pkg = JSON.parse(readFileSync(path.join(root, t.app, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      };
      problems.push(...checkExternals(metafile, t.outfile, pkg.dependencies ?? {}));
    } else {
      const output = metafile.outputs[t.outfile];
      for (const imp of output?.imports ?? []) {
        if (imp.external && !isBuiltin(imp.path)) problems.push(`${t.outfile} left ${imp.path} external`);
      }
    }
    const bytes = metafile.outputs[t.outfile]?.bytes ?? 0;
    console.log(`built ${t.outfile} (${(bytes / 1024).toFixed(0)} KB) from ${t.entry}`);
  }
  return { problems };
}

/**
 * The bundles the end-to-end stacks start their workers and orchestrators from (@mirage/testing/e2e-entry), built
 * by test/global-setup.ts once per test run: like the production build, with the simulator's certificate hook
 * bundled in (a production worker never has it), written to `<app>/.e2e-bundle/main.js` with the metafile beside
 * it (`meta.json`, whose inputs tell whether the bundle is still fresh). About a second for both.
 */
export async function buildE2eBundles(): Promise<void> {
  for (const t of targets) {
    if (!t.app) continue;
    const outdir = path.join(root, t.app, ".e2e-bundle");
    const result = await build({
      ...common,
      absWorkingDir: root,
      entryPoints: [t.entry],
      outfile: path.join(outdir, "main.js"),
      plugins: [externalNpmPlugin("bundle")],
    });
    writeFileSync(path.join(outdir, "meta.json"), JSON.stringify(result.metafile));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { problems } = await buildAll();
  if (problems.length > 0) {
    console.error(`build failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(1);
  }
}
