/**
 * `load_env` (scripts/lib.sh), which every `./mirage` command runs first: the caller's environment wins over .env,
 * and within .env the last line of a key wins, as dotenv and Compose read it — a line appended to .env overrides the
 * template's empty one (a new user appending WEBHOOK_ALLOW_PRIVATE saw it ignored).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const lib = path.resolve(import.meta.dirname, "../lib.sh");
const root = mkdtempSync(path.join(tmpdir(), "mirage-env-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs load_env over `env` (the .env text) and answers the listed variables as it left them. */
function load(envText: string, names: string[], callerEnv: Record<string, string> = {}): Record<string, string> {
  writeFileSync(path.join(root, ".env"), envText);
  const script = `source "${lib}"; load_env; ${names.map((n) => `printf '%s=%s\\n' ${n} "\${${n}-<unset>}"`).join("; ")}`;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: root, MIRAGE_ROOT: root, ...callerEnv };
  const out = execFileSync("bash", ["-c", script], { env, encoding: "utf8" });
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

describe("load_env", () => {
  it("lets the last line of a key win, and the caller's environment win over the file", () => {
    const text = [
      "# comment",
      "WEBHOOK_ALLOW_PRIVATE=",
      "LOG_LEVEL=info",
      "",
      "WEBHOOK_ALLOW_PRIVATE=127.0.0.1/32",
      "API_PORT=3000",
    ].join("\n");
    expect(load(text, ["WEBHOOK_ALLOW_PRIVATE", "LOG_LEVEL", "API_PORT", "MIRAGE_ENV_FILE_KEYS"])).toEqual({
      WEBHOOK_ALLOW_PRIVATE: "127.0.0.1/32",
      LOG_LEVEL: "info",
      API_PORT: "3000",
      MIRAGE_ENV_FILE_KEYS: "WEBHOOK_ALLOW_PRIVATE LOG_LEVEL API_PORT",
    });
    expect(load(text, ["WEBHOOK_ALLOW_PRIVATE", "LOG_LEVEL"], { WEBHOOK_ALLOW_PRIVATE: "10.0.0.0/8" })).toEqual({
      WEBHOOK_ALLOW_PRIVATE: "10.0.0.0/8",
      LOG_LEVEL: "info",
    });
  });
});
