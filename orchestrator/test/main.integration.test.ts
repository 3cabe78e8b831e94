import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_URL } from "./harness.ts";

// The composition root as an operator runs it: env parsed once, listens, and stops cleanly on SIGTERM.
let t: TestDatabase;
const root = path.resolve(import.meta.dirname, "..");

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src/main.ts")], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe("main.ts", () => {
  it("fails fast listing every invalid variable, then the cross-field rules", async () => {
    const p = run({ DATABASE_URL: "mysql://nope", ORCHESTRATOR_PORT: "99999" });
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
    expect(p.output()).toContain("MIRAGE_ENCRYPTION_KEYS");
    expect(p.output()).toContain("ORCHESTRATOR_PORT");
    const q = run({ DATABASE_URL: t.appUrl, MIRAGE_ENCRYPTION_KEYS: "k1:short", AUTH_PROVIDER: "builtin" });
    expect(await q.exited).not.toBe(0);
    expect(q.output()).toContain("JWT_SECRET: required when AUTH_PROVIDER=builtin");
    expect(q.output()).toContain('MIRAGE_ENCRYPTION_KEYS: key "k1" must be 32 bytes');
  }, 30_000);

  it("serves, then shuts down gracefully on SIGTERM with exit code 143", async () => {
    const prefix = `test-main-${randomUUID().slice(0, 8)}`;
    const p = run({
      DATABASE_URL: t.appUrl,
      REDIS_URL,
      ORCHESTRATOR_PORT: "0",
      ORCHESTRATOR_HOST: "127.0.0.1",
      JWT_SECRET: randomBytes(32).toString("hex"),
      MIRAGE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      QUEUE_PREFIX: prefix,
      REALTIME_STREAM: `${prefix}:realtime`,
      LOG_LEVEL: "info",
    });
    const started = Date.now();
    let url: string | undefined;
    while (!url && Date.now() - started < 20_000) {
      url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(p.output())?.[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(url, p.output()).toBeDefined();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(143);
    expect(p.output()).toContain('"msg":"stopped"');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 40_000);
});
