import { readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// Every schema that reads what a client sends (bodies, queries, path parameters, headers) must refuse an oversized
// value in time linear in its size: the orchestrator validates on its event loop, so one request whose validation
// is quadratic holds every other request behind it (a 20,000-character reaction once held it for seconds and reset
// the connections waiting on it). Zod runs a field's refinements even after its `.max()` failed, so each check must
// bound its own work. A test timeout cannot interrupt synchronous work, so the time is read: with 100,000
// characters a quadratic check takes tens of seconds and a linear one milliseconds; the budget sits between them,
// a thousand times above the linear figure, so load on the machine does not reach it.
const BIG = "x".repeat(100_000);
const BUDGET_MS = 3_000;
const INPUT_SCHEMA = /(Request|Query|Params|Headers|Filter|Mapping|Upload|Body)$/;

const modules = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.includes(".test."));

/** The object shape under a schema, through the wrappers a request schema may have (pipe, optional, nullable). */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  if (schema instanceof z.ZodPipe) return shapeOf(schema.in as z.ZodType);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return shapeOf(schema.unwrap() as z.ZodType);
  return undefined;
}

/** Oversized values for one field: as a string, inside an array, as a record key and value, nested once more. */
const hostile = (): unknown[] => [BIG, [BIG], { [BIG]: BIG }, { key: BIG, value: BIG, op: "equals" }, [{ key: BIG }]];

describe("request schemas", () => {
  it("are found in every contracts module that declares them", async () => {
    let found = 0;
    for (const file of modules) {
      const mod = (await import(/* @vite-ignore */ `./${file}`)) as Record<string, unknown>;
      found += Object.entries(mod).filter(([n, v]) => v instanceof z.ZodType && INPUT_SCHEMA.test(n)).length;
    }
    expect(found).toBeGreaterThan(40);
  });

  for (const file of modules) {
    it(`in ${file} refuse oversized values in time linear in their size`, async () => {
      const mod = (await import(/* @vite-ignore */ `./${file}`)) as Record<string, unknown>;
      for (const [name, schema] of Object.entries(mod)) {
        if (!(schema instanceof z.ZodType) || !INPUT_SCHEMA.test(name)) continue;
        expect(schema.safeParse(BIG).success, name).toBe(false);
        for (const field of Object.keys(shapeOf(schema) ?? {})) {
          for (const value of hostile()) {
            const started = performance.now();
            schema.safeParse({ [field]: value });
            // Accepting is fine where a field has no bound of its own; what matters is how long the answer took.
            expect(performance.now() - started, `${name}.${field}`).toBeLessThan(BUDGET_MS);
          }
        }
      }
    });
  }

  it("take one emoji as a reaction, skin tones included, and refuse more than one", () => {
    return import("./conversations.ts").then(({ ZReactionRequest }) => {
      expect(ZReactionRequest.safeParse({ emoji: "👍" }).success).toBe(true);
      expect(ZReactionRequest.safeParse({ emoji: "👍🏽" }).success).toBe(true);
      expect(ZReactionRequest.safeParse({ emoji: "" }).success).toBe(true);
      expect(ZReactionRequest.safeParse({ emoji: "👍👍" }).success).toBe(false);
      expect(ZReactionRequest.safeParse({ emoji: "a" }).success).toBe(false);
      expect(ZReactionRequest.safeParse({ emoji: "😀".repeat(50_000) }).success).toBe(false);
    });
  });
});
