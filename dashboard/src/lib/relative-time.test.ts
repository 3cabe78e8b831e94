import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createFormatter } from "next-intl";
import { describe, expect, it } from "vitest";
import { relativeTimeReference } from "./use-relative-time";

const SRC = path.join(import.meta.dirname, "..");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });

describe("relative times", () => {
  it("are always measured from a ticking clock (useRelativeTime or an explicit now), never the render's instant", () => {
    const offenders: string[] = [];
    for (const file of files(SRC)) {
      const text = readFileSync(file, "utf8");
      // `relativeTime(x)` with one argument: no `now`, so the text freezes at the render.
      for (const m of text.matchAll(/\.relativeTime\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g)) {
        if (!(m[1] ?? "").includes(",")) offenders.push(`${path.relative(SRC, file)}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('of something that happened since the clock last ticked read "now", not "in 3 seconds"; a real future stays', () => {
    const format = createFormatter({ locale: "en" });
    const tick = new Date("2026-11-30T22:14:00.000Z");
    const justSent = new Date("2026-11-30T22:14:03.000Z");
    expect(format.relativeTime(justSent, tick)).toBe("in 3 seconds");
    expect(format.relativeTime(justSent, relativeTimeReference(justSent, tick, 10_000))).toBe("now");
    const nextSend = new Date("2026-11-30T22:16:00.000Z");
    expect(format.relativeTime(nextSend, relativeTimeReference(nextSend, tick, 10_000))).toBe("in 2 minutes");
    const past = new Date("2026-11-30T22:11:00.000Z");
    expect(format.relativeTime(past, relativeTimeReference(past, tick, 10_000))).toBe("3 minutes ago");
  });
});
