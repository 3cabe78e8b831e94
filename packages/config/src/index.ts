import { z } from "zod";

/** Thrown when the environment does not satisfy a process's schema; lists every problem at once. */
export class EnvError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid environment:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "EnvError";
    this.issues = issues;
  }
}

/**
 * Parses a raw environment (usually `process.env`, passed in by `main.ts`) against a zod schema.
 * Empty strings count as unset so `.env` lines like `FOO=` fall back to defaults.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== "") cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => {
      const name = issue.path.join(".") || "(root)";
      return `${name}: ${issue.message}`;
    }),
  );
}

/** "true/false/1/0/yes/no/on/off", case-insensitive; anything else is an error, not silently false. */
export const boolEnv = (defaultValue: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off", "TRUE", "FALSE", "True", "False"])
    .default(defaultValue ? "true" : "false")
    .transform((v) => ["true", "1", "yes", "on"].includes(v.toLowerCase()));

/** Comma-separated list, trimmed, empties dropped. */
export const csvEnv = (defaultValue: string[] = []) =>
  z
    .string()
    .default(defaultValue.join(","))
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL");

/** Shared fragments; each process composes the ones it needs. */
export const databaseEnv = {
  /** The application's NOINHERIT login role: queries outside asUser/asService are denied. */
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};

export const redisEnv = {
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// or rediss:// URL")
    .default("redis://127.0.0.1:6379"),
};

export const logEnv = {
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: boolEnv(false),
};

export { z };
