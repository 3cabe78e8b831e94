import { z } from "zod";

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());

/**
 * The dashboard's server environment (route handlers, server components, proxy). Nothing here reaches the
 * browser except what a server component hands to it explicitly (the public API URL, simulator mode).
 */
export const DashboardEnv = z
  .object({
    /** Where the Next server reaches the orchestrator (REST and the auth endpoints). */
    MIRAGE_API_URL: z.url().default("http://127.0.0.1:3001"),
    /** Where browsers reach the orchestrator's socket.io (its origin must be in CORS_ORIGINS); default MIRAGE_API_URL. */
    MIRAGE_PUBLIC_API_URL: optionalUrl,
    AUTH_PROVIDER: z.enum(["builtin", "supabase"]).default("builtin"),
    /** supabase only: the project URL and its anon (publishable) key, used server-side by supabase-js. */
    SUPABASE_URL: optionalUrl,
    SUPABASE_ANON_KEY: z.string().optional(),
    /** wa-sim's control API; set (./mirage start --simulator does) it turns on "scan with the virtual phone". */
    DASHBOARD_WA_SIM_CONTROL_URL: optionalUrl,
    /** Mark session cookies Secure (serve the dashboard over HTTPS in production; plain HTTP on 127.0.0.1 needs false). */
    DASHBOARD_SECURE_COOKIES: z
      .enum(["true", "false", "auto"])
      .default("auto")
      .describe("auto: Secure when the request came over https"),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_PROVIDER === "supabase" && (!env.SUPABASE_URL || !env.SUPABASE_ANON_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["SUPABASE_URL"],
        message: "AUTH_PROVIDER=supabase needs SUPABASE_URL and SUPABASE_ANON_KEY",
      });
    }
  });
export type TDashboardEnv = z.infer<typeof DashboardEnv>;
