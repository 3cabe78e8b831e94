import { z } from "zod";

// An empty value (a blank line in .env) means "the default", never 0 or "".
const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);
const port = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));

/** wa-sim's standalone process settings (flags override them; see `src/cli.ts --help`). */
export const waSimEnv = z.object({
  /** Listen address of both servers. */
  WA_SIM_HOST: z.preprocess(blankToUndefined, z.string().default("127.0.0.1")),
  /** WebSocket port Baileys connects to (0 = any free port). */
  WA_SIM_PORT: port(7280),
  /** HTTP control API port (0 = any free port). */
  WA_SIM_CONTROL_PORT: port(7281),
  /** Seed of every derived key, LID and contact; also names the state file. */
  WA_SIM_SEED: z.preprocess(blankToUndefined, z.string().min(1).default("mirage")),
  /** Directory of the state file (accounts, linked devices, contacts); unset = memory only. */
  WA_SIM_STATE_DIR: z.preprocess(blankToUndefined, z.string().optional()),
  WA_SIM_LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  ),
});

export type WaSimEnv = z.output<typeof waSimEnv>;
