/**
 * A clean machine for scripts/lib.sh, as far as one can be made without a container: a fresh HOME, an empty npm
 * prefix, a temporary MIRAGE_ROOT (so the project's own .mirage is never touched), and a PATH made only of the
 * tools a bare Debian with Node.js has, plus the stand-ins a test adds. Stand-ins are shell scripts in `fakes/`
 * that log each call to `calls.log`: they replace what cannot run here (a package download by apt-get) or what
 * the test must see fail (corepack, a broken pnpm shim). Nothing else on the machine is changed.
 */
import { execFile } from "node:child_process";
import {
  accessSync,
  appendFileSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

/** What a Debian base image with Node.js carries; pnpm, corepack, Postgres, Redis and pgTAP are deliberately not here. */
const BASE_TOOLS = [
  "bash",
  "sh",
  "env",
  "node",
  "npm",
  "timeout",
  "flock",
  "mkdir",
  "rm",
  "mv",
  "ln",
  "cat",
  "tail",
  "head",
  "cut",
  "seq",
  "sleep",
  "id",
  "ls",
  "sha1sum",
  "dirname",
  "sed",
  "grep",
  "tr",
  "uname",
  "chmod",
  "cp",
  "touch",
  "tee",
  "kill",
];

/** The machine's network settings (CA bundle, proxy) are not "state a user installed": a fresh machine has them too. */
const network = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] =>
      /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$/.test(e[0]) &&
      e[1] !== undefined,
  ),
);

export type RunResult = { code: number; stdout: string; stderr: string };

export type Sandbox = {
  dir: string;
  home: string;
  root: string;
  fakes: string;
  /** Adds an executable stand-in to fakes/ (first on PATH); the script body gets `log "$@"` to record its call. */
  fake(name: string, body: string): void;
  /** Makes a real tool of this machine visible on the sandbox PATH (what a real install would have put there). */
  provide(name: string): void;
  /** Runs bash with lib.sh sourced, then `script`. */
  run(script: string, env?: Record<string, string>, timeoutMs?: number): Promise<RunResult>;
  /** Every call the stand-ins recorded, one "name args…" per line. */
  calls(): string[];
  cleanup(): void;
};

export function createSandbox(): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), "mirage-fresh-"));
  const home = path.join(dir, "home");
  const root = path.join(dir, "root");
  const fakes = path.join(dir, "fakes");
  const bin = path.join(dir, "bin");
  const prefix = path.join(dir, "npm-prefix");
  for (const d of [home, root, fakes, bin, prefix]) mkdirSync(d, { recursive: true });
  const which = (name: string) => {
    for (const d of (process.env.PATH ?? "").split(":").concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin"])) {
      const p = path.join(d, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {}
    }
    throw new Error(`${name} not found on this machine`);
  };
  for (const tool of BASE_TOOLS) symlinkSync(which(tool), path.join(bin, tool));
  const callsLog = path.join(dir, "calls.log");
  appendFileSync(callsLog, "");

  return {
    dir,
    home,
    root,
    fakes,
    fake(name, body) {
      const file = path.join(fakes, name);
      const script = `#!/bin/bash\n# stand-in written by scripts/test/sandbox.ts\nlog() { echo "${name} $*" >> "${callsLog}"; }\n${body}\n`;
      rmSync(file, { force: true });
      appendFileSync(file, script);
      chmodSync(file, 0o755);
    },
    provide(name) {
      rmSync(path.join(fakes, name), { force: true });
      symlinkSync(which(name), path.join(fakes, name));
    },
    run(script, env = {}, timeoutMs = 240_000) {
      return new Promise((resolve) => {
        execFile(
          path.join(bin, "bash"),
          ["-c", `set -uo pipefail\nsource "${repoRoot}/scripts/lib.sh"\n${script}`],
          {
            cwd: root,
            timeout: timeoutMs,
            env: {
              HOME: home,
              PATH: `${fakes}:${bin}`,
              MIRAGE_ROOT: root,
              npm_config_prefix: prefix,
              LANG: "C.UTF-8",
              ...network,
              ...env,
            },
          },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      });
    },
    calls() {
      return readFileSync(callsLog, "utf8").split("\n").filter(Boolean);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
