import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const script = path.join(root, "scripts/env-secrets.mjs");
const clean = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k !== "MIRAGE_ENCRYPTION_KEYS" && k !== "JWT_SECRET"),
) as Record<string, string>;

function workdir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mirage-env-"));
  copyFileSync(path.join(root, ".env.example"), path.join(dir, ".env.example"));
  return dir;
}
const run = (dir: string, env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [script, dir], { env: { ...clean, ...env }, timeout: 20_000 });
const value = (text: string, key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1];

describe("scripts/env-secrets.mjs (run by ./mirage start before anything else)", () => {
  it("writes a first .env from the example with fresh secrets, readable by its owner only", async () => {
    const dir = workdir();
    const out = await run(dir);
    expect(out.stdout).toContain("creating .env with generated secrets");
    const text = readFileSync(path.join(dir, ".env"), "utf8");
    expect(value(text, "MIRAGE_ENCRYPTION_KEYS")).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
    expect(value(text, "JWT_SECRET")?.length).toBeGreaterThanOrEqual(64);
    expect(statSync(path.join(dir, ".env")).mode & 0o777).toBe(0o600);
    // Another installation gets other secrets.
    const other = workdir();
    await run(other);
    expect(value(readFileSync(path.join(other, ".env"), "utf8"), "JWT_SECRET")).not.toBe(value(text, "JWT_SECRET"));
  });

  it("fills the empty secrets of a .env copied from the example by hand, and leaves set ones alone", async () => {
    const dir = workdir();
    const example = readFileSync(path.join(dir, ".env.example"), "utf8");
    writeFileSync(path.join(dir, ".env"), example.replace(/^JWT_SECRET=.*$/m, "JWT_SECRET=mine-and-long-enough"));
    const out = await run(dir);
    expect(out.stdout).toContain("generated MIRAGE_ENCRYPTION_KEYS (they were empty)");
    const text = readFileSync(path.join(dir, ".env"), "utf8");
    expect(value(text, "MIRAGE_ENCRYPTION_KEYS")).toMatch(/^k1:/);
    expect(value(text, "JWT_SECRET")).toBe("mine-and-long-enough");
    // Nothing left to fill: a second run writes nothing.
    const again = await run(dir);
    expect(again.stdout).toBe("");
    expect(readFileSync(path.join(dir, ".env"), "utf8")).toBe(text);
  });

  it("writes nothing when the environment already carries the secrets", async () => {
    const dir = workdir();
    await run(dir, { MIRAGE_ENCRYPTION_KEYS: "k1:x", JWT_SECRET: "y" });
    expect(existsSync(path.join(dir, ".env"))).toBe(false);
  });
});
