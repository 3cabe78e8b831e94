import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, guardConsole } from "./index.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  it("redacts tokens, credentials and message bodies", () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: "test", destination });
    log.info(
      {
        password: "hunter2",
        token: "eyJhbGciOi",
        req: { headers: { authorization: "Bearer abc", "x-api-key": "mk_live_x" } },
        payload: { body: "hello Ana", to: "+5511999990000" },
        creds: { noiseKey: "secret" },
      },
      "event",
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ["hunter2", "eyJhbGciOi", "Bearer abc", "mk_live_x", "hello Ana", "noiseKey"]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain("+5511999990000");
    expect(lines[0]?.service).toBe("test");
  });

  it("child loggers carry their bindings", () => {
    const { lines, destination } = capture();
    createLogger({ service: "w", destination }).child({ module: "sessions", instanceId: "i1" }).warn("x");
    expect(lines[0]).toMatchObject({ module: "sessions", instanceId: "i1", level: 40 });
  });
});

describe("LOG_PRETTY", () => {
  it("prints human-readable lines through pino-pretty (installed as a development dependency)", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const script = `import { createLogger } from ${JSON.stringify(new URL("./index.ts", import.meta.url).pathname)};
createLogger({ service: "pretty-test", pretty: true }).info({ n: 1 }, "hello pretty");`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        timeout: 25_000,
      },
    );
    expect(stdout).toMatch(/INFO.*hello pretty/);
    expect(() => JSON.parse(stdout.trim().split("\n")[0] ?? "")).toThrow();
  }, 30_000);
});

describe("guardConsole", () => {
  it("keeps libsignal's session dumps (private keys) out of the output: only the leading text, at debug", () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: "test", level: "debug", destination });
    const restore = guardConsole(log);
    try {
      console.info("Closing session:", { currentRatchet: { ephemeralKeyPair: { privKey: Buffer.from("c02676") } } });
      console.warn({ privKey: "abc" });
    } finally {
      restore();
    }
    const out = JSON.stringify(lines);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ msg: "Closing session:", method: "info", withheld: 1, level: 20 });
    expect(lines[1]).toMatchObject({ msg: "(non-text console output withheld)", method: "warn" });
    expect(out).not.toContain("privKey");
    expect(out).not.toContain("c02676");
  });
});
