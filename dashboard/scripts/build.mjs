// `next build`, then the static assets next to the standalone server (Next leaves that copy to the deployer).
// With --if-stale it does nothing when the sources have not changed since the last build (./mirage start);
// --no-typecheck leaves type errors to the caller's own tsc.
// Builds take a lock: the browser suites run in parallel and each asks for an up-to-date build; one builds, the
// others wait and then find it fresh. In a test run (DASHBOARD_BUILD_RUN, set by its global setup) only the first
// request may build: a source edited during the run waits for the next one rather than a rebuild replacing the
// files of a dashboard another test is serving.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";

const here = path.resolve(import.meta.dirname, "..");
const root = path.resolve(here, "..");
const stamp = path.join(here, ".next/mirage-build.stamp");

function hashInputs() {
  const h = createHash("sha1");
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p).update(readFileSync(p));
    }
  };
  for (const dir of [
    "src",
    "messages",
    path.join(root, "packages/contracts/src"),
    path.join(root, "packages/phone/src"),
  ])
    walk(path.resolve(here, dir));
  for (const f of [
    "package.json",
    "next.config.ts",
    "postcss.config.mjs",
    "tsconfig.json",
    "tsconfig.next.json",
    path.join(root, "pnpm-lock.yaml"),
  ])
    h.update(readFileSync(path.resolve(here, f)));
  return h.digest("hex");
}

// A build without Next's type check is stamped as such: it serves its own run (the caller checks the types), and a
// later build that wants the check (./mirage start, a lone e2e file) makes a checked one.
const UNCHECKED = " unchecked";

function upToDate(want) {
  if (!existsSync(server) || !existsSync(stamp)) return false;
  const built = readFileSync(stamp, "utf8");
  return built === want || (skipTypecheck && built === want + UNCHECKED);
}

function nextBuild() {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(here, "node_modules/.bin/next"), ["build"], {
      cwd: here,
      stdio: "inherit",
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        ...(skipTypecheck ? { MIRAGE_NEXT_SKIP_TYPECHECK: "1" } : {}),
      },
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
  });
}

const server = path.join(here, ".next/standalone/dashboard/server.js");
const ifStale = process.argv.includes("--if-stale");
// ./mirage test type-checks the dashboard itself (tsc -p dashboard/tsconfig.json, a step that fails the run) while
// this build runs beside it: the build's own TypeScript pass would be the same check twice on a 2-core machine.
const skipTypecheck = process.argv.includes("--no-typecheck");
// Set by the test suite's global setup, one value per run: the first build of a run is the run's build (see below).
const run = process.env.DASHBOARD_BUILD_RUN;
const runStamp = path.join(here, ".next/mirage-build.run");
const checkedThisRun = () =>
  Boolean(run) && existsSync(server) && existsSync(runStamp) && readFileSync(runStamp, "utf8") === run;
if (ifStale && checkedThisRun()) {
  process.stdout.write("dashboard: serving this test run's build\n");
  process.exit(0);
}
if (ifStale && !run && upToDate(hashInputs())) {
  process.stdout.write("dashboard build is up to date\n");
  process.exit(0);
}
// The lock is refreshed every 5 s while held (the build runs asynchronously for that) and taken over when a crashed
// builder left it 30 s stale; waiters poll for up to 20 minutes, a slow build on a loaded 2-core machine.
const release = await lockfile.lock(here, {
  lockfilePath: path.join(here, ".mirage-build.lock"),
  stale: 30_000,
  update: 5_000,
  retries: { retries: 1_200, factor: 1, minTimeout: 1_000, maxTimeout: 1_000 },
});
try {
  const want = hashInputs();
  if (ifStale && (checkedThisRun() || upToDate(want))) {
    process.stdout.write("dashboard build is up to date\n");
  } else {
    await nextBuild();
    const target = path.join(here, ".next/standalone/dashboard");
    rmSync(path.join(target, ".next/static"), { recursive: true, force: true });
    cpSync(path.join(here, ".next/static"), path.join(target, ".next/static"), { recursive: true });
    if (existsSync(path.join(here, "public")))
      cpSync(path.join(here, "public"), path.join(target, "public"), { recursive: true });
    writeFileSync(stamp, skipTypecheck ? want + UNCHECKED : want);
  }
  if (run) writeFileSync(runStamp, run);
} finally {
  await release();
}
