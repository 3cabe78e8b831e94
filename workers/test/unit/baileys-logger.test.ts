import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { baileysLogger, sessionBaileysLogger } from "../../src/sessions/baileys-logger.ts";

/** A real pino logger writing JSON lines into memory, at `level`. */
function capture(level: string) {
  const lines: { level: number; msg: string; module?: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

describe("baileysLogger", () => {
  it("logs the stream error 515 of every pairing at info, every other error as an error, children too", () => {
    const { logger, lines } = capture("info");
    const log = baileysLogger(logger as never);
    const restart = { reasonNode: undefined, fullErrorNode: { tag: "stream:error", attrs: { code: "515" } } };
    log.error(restart, "stream errored out");
    log.error({ fullErrorNode: { tag: "stream:error", attrs: { code: "503" } } }, "stream errored out");
    log.child({ module: "baileys" }).error(restart, "stream errored out");
    log.child({ module: "baileys" }).error({ err: new Error("boom") }, "something else");
    log.warn({}, "a warning");
    expect(lines.map((l) => [l.level, l.msg, l.module])).toEqual([
      [30, "stream errored out", undefined],
      [50, "stream errored out", undefined],
      [30, "stream errored out", "baileys"],
      [50, "something else", "baileys"],
      [40, "a warning", undefined],
    ]);
  });

  it("at the warn level Baileys runs at, the expected restart is not shown at all", () => {
    const { logger, lines } = capture("warn");
    baileysLogger(logger as never).error({ fullErrorNode: { attrs: { code: "515" } } }, "stream errored out");
    expect(lines).toEqual([]);
    expect(baileysLogger(logger as never).level).toBe("warn");
  });

  it("wraps the worker's own Baileys logger too (the real worker always passes one, at error)", () => {
    const worker = capture("error");
    const instance = capture("warn");
    const restart = { fullErrorNode: { tag: "stream:error", attrs: { code: "515" } } };
    sessionBaileysLogger(worker.logger as never, instance.logger as never).error(restart, "stream errored out");
    sessionBaileysLogger(undefined, instance.logger as never).error(restart, "stream errored out");
    expect([...worker.lines, ...instance.lines]).toEqual([]);
    sessionBaileysLogger(worker.logger as never, instance.logger as never).error({}, "a real error");
    expect(worker.lines.map((l) => l.msg)).toEqual(["a real error"]);
  });
});
