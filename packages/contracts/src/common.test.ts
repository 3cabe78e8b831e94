import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cursorPageOf, cursorPageQuery, decodeCursor, encodeCursor } from "./common.ts";

const position = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);

describe("the opaque cursor", () => {
  it("reads back the position it encodes, as URL-safe text", () => {
    const at = ["2026-11-30T10:02:00.123Z", "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"] as const;
    const cursor = encodeCursor(at);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, position)).toEqual(at);
    // Non-ASCII keys survive (a name as a sort key), and numbers stay numbers (microseconds fit below 2^53).
    const other = encodeCursor(["Conceição ✓", 1_764_496_000_123_456, 3]);
    expect(decodeCursor(other, z.tuple([z.string(), z.number().int(), z.number().int()]))).toEqual([
      "Conceição ✓",
      1_764_496_000_123_456,
      3,
    ]);
  });

  it("answers undefined for anything it did not make", () => {
    for (const bad of ["nope", "", "%%%", encodeCursor([1, 2]), btoa("not json"), encodeCursor(["x", "y", "z"])]) {
      expect(decodeCursor(bad, position), bad).toBeUndefined();
    }
  });

  it("pages and queries have the documented shape", () => {
    const q = cursorPageQuery({ defaultLimit: 30, maxLimit: 100 });
    expect(q.parse({})).toEqual({ limit: 30 });
    expect(q.parse({ cursor: "abc", limit: "5" })).toEqual({ cursor: "abc", limit: 5 });
    expect(q.safeParse({ limit: "101" }).success).toBe(false);
    expect(q.safeParse({ beforeId: "3" }).success).toBe(false);
    const page = cursorPageOf(z.object({ id: z.string() }));
    expect(page.safeParse({ items: [{ id: "a" }], nextCursor: null }).success).toBe(true);
    expect(page.safeParse({ items: [] }).success).toBe(false);
  });
});
