import { describe, expect, it } from "vitest";
import { boolEnv, csvEnv, databaseEnv, EnvError, parseEnv, redisEnv, z } from "./index.ts";

const Schema = z.object({
  ...databaseEnv,
  ...redisEnv,
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  FEATURE: boolEnv(false),
  ORIGINS: csvEnv(["http://localhost:3000"]),
});

describe("parseEnv", () => {
  it("applies defaults and coercions", () => {
    const env = parseEnv(Schema, { DATABASE_URL: "postgres://u@h/db", FEATURE: "yes", PORT: "" });
    expect(env.PORT).toBe(8080);
    expect(env.FEATURE).toBe(true);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.ORIGINS).toEqual(["http://localhost:3000"]);
    expect(env.DATABASE_POOL_MAX).toBe(10);
  });

  it("lists every problem at once", () => {
    try {
      parseEnv(Schema, { DATABASE_URL: "mysql://x", PORT: "99999", FEATURE: "maybe", REDIS_URL: "http://x" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const issues = (err as EnvError).issues.join("\n");
      expect(issues).toMatch(/DATABASE_URL/);
      expect(issues).toMatch(/PORT/);
      expect(issues).toMatch(/FEATURE/);
      expect(issues).toMatch(/REDIS_URL/);
      expect((err as EnvError).issues).toHaveLength(4);
    }
  });

  it("reports a missing required variable by name", () => {
    expect(() => parseEnv(Schema, {})).toThrow(/DATABASE_URL/);
  });

  it("splits csv lists", () => {
    expect(parseEnv(Schema, { DATABASE_URL: "postgres://x", ORIGINS: " a, ,b " }).ORIGINS).toEqual(["a", "b"]);
  });
});
