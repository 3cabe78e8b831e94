import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { REALTIME_EVENTS } from "./realtime.ts";

// docs/realtime.md is what an integrator reads to listen: each event of the catalog and each of its fields must be
// in its table, so a field added here without a word there fails.
const doc = readFileSync(new URL("../../../docs/realtime.md", import.meta.url), "utf8");
const rowOf = (event: string) => doc.split("\n").find((line) => line.startsWith(`| \`${event}\` |`));

describe("docs/realtime.md", () => {
  for (const [event, schema] of Object.entries(REALTIME_EVENTS)) {
    it(`documents ${event} and every field of its data`, () => {
      const row = rowOf(event);
      expect(row, `no row for ${event}`).toBeDefined();
      const fields = Object.keys((schema as z.ZodObject).shape);
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields) expect(row, `${event}.${field}`).toContain(`\`${field}\``);
    });
  }

  it("documents no event the catalog does not have", () => {
    const rows = [...doc.matchAll(/^\| `([a-z]+:[a-z]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.keys(REALTIME_EVENTS).sort());
  });
});
