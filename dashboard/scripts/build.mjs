// `next build`, then the static assets next to the standalone server (Next leaves that copy to the deployer).
// With --if-stale it does nothing when the sources have not changed since the last build (./mirage start).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

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

const want = hashInputs();
const server = path.join(here, ".next/standalone/dashboard/server.js");
if (
  process.argv.includes("--if-stale") &&
  existsSync(server) &&
  existsSync(stamp) &&
  readFileSync(stamp, "utf8") === want
) {
  process.stdout.write("dashboard build is up to date\n");
  process.exit(0);
}
execFileSync(path.join(here, "node_modules/.bin/next"), ["build"], {
  cwd: here,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
const target = path.join(here, ".next/standalone/dashboard");
rmSync(path.join(target, ".next/static"), { recursive: true, force: true });
cpSync(path.join(here, ".next/static"), path.join(target, ".next/static"), { recursive: true });
if (existsSync(path.join(here, "public")))
  cpSync(path.join(here, "public"), path.join(target, "public"), { recursive: true });
writeFileSync(stamp, want);
