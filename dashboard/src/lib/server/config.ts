import "server-only";
import { DashboardEnv, type TDashboardEnv } from "@/env";

let parsed: TDashboardEnv | undefined;

/**
 * The validated environment, parsed once per server process (Next has no single main(); this is the dashboard's
 * composition point). Throws with every problem listed when the environment is invalid.
 */
export function serverEnv(): TDashboardEnv {
  if (parsed) return parsed;
  const result = DashboardEnv.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`invalid dashboard environment:\n${lines}`);
  }
  parsed = result.data;
  return parsed;
}

export function publicApiUrl(): string {
  const env = serverEnv();
  return env.MIRAGE_PUBLIC_API_URL ?? env.MIRAGE_API_URL;
}
