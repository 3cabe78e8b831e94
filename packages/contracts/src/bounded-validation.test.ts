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
const INPUT_SCHEMA = /(Request|Query|Params|Headers|Filter|Mapping|Upload|Body|Settings)$/;

const modules = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.includes(".test."));

/** The schema under the wrappers a request schema or field may have (pipe, optional, nullable, default…). */
function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodCatch ||
    schema instanceof z.ZodReadonly
  ) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  return schema;
}

/** The object shape under a schema, if it is an object. */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : undefined;
}

/** Oversized values for one field: as a string, inside an array, as a record key and value. */
const HOSTILE: unknown[] = [BIG, [BIG], { [BIG]: BIG }];

/**
 * Inputs that put an oversized value in each field of `schema`, and in each field of the objects it holds (directly
 * or as array items), down to `depth` levels: `{ a: BIG }`, `{ entries: [{ phone: BIG }] }`, `{ schedule: { windows:
 * [BIG] } }`…
 */
function probes(schema: z.ZodType, depth = 3): { path: string; input: unknown }[] {
  const shape = shapeOf(schema);
  if (!shape || depth === 0) return [];
  return Object.entries(shape).flatMap(([field, child]) => {
    const own = HOSTILE.map((value) => ({ path: field, input: { [field]: value } }));
    const inner = unwrap(child);
    const items = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : inner;
    const nested = probes(items, depth - 1).map((p) => ({
      path: `${field}.${p.path}`,
      input: { [field]: inner instanceof z.ZodArray ? [p.input] : p.input },
    }));
    return [...own, ...nested];
  });
}

describe("request schemas", () => {
  it("are found in every contracts module that declares them", async () => {
    let found = 0;
    for (const file of modules) {
      const mod = (await import(/* @vite-ignore */ `./${file}`)) as Record<string, unknown>;
      found += Object.entries(mod).filter(([n, v]) => v instanceof z.ZodType && INPUT_SCHEMA.test(n)).length;
    }
    expect(found).toBeGreaterThan(40);
    // Wrapped request schemas are probed field by field too, and nested objects inside arrays.
    const { ZCreateCampaignRequest } = await import("./campaigns.ts");
    const { ZStartCampaignRequest } = await import("./campaign-checks.ts");
    expect(probes(ZStartCampaignRequest).map((p) => p.path)).toContain("now");
    expect(probes(ZCreateCampaignRequest).map((p) => p.path)).toContain("schedule.windows.start");
  });

  for (const file of modules) {
    it(`in ${file} refuse oversized values in time linear in their size`, async () => {
      const mod = (await import(/* @vite-ignore */ `./${file}`)) as Record<string, unknown>;
      for (const [name, schema] of Object.entries(mod)) {
        if (!(schema instanceof z.ZodType) || !INPUT_SCHEMA.test(name)) continue;
        expect(schema.safeParse(BIG).success, name).toBe(false);
        for (const { path, input } of probes(schema)) {
          const started = performance.now();
          schema.safeParse(input);
          // Accepting is fine where a field has no bound of its own; what matters is how long the answer took.
          expect(performance.now() - started, `${name}.${path}`).toBeLessThan(BUDGET_MS);
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
