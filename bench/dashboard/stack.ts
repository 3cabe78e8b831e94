/**
 * Shared setup of the dashboard benchmarks: the dashboard's production build (rebuilt when stale), the real
 * orchestrator (../orchestrator/stack.ts, every user's password set to BENCH_PASSWORD, bcrypt cost 4, no login rate
 * limit in the way), then — on open() — the dashboard's server on a free loopback port and headless Chromium signed
 * in as one user. Everything started here is stopped by bench/lib.ts's shutdown(), however the benchmark ends.
 */
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import type * as PW from "../../dashboard/node_modules/playwright-core/index.js";
import { onCleanup, track } from "../lib.ts";
import { type BenchStack, freePort, startBenchStack } from "../orchestrator/stack.ts";

const dashboardDir = path.resolve(import.meta.dirname, "../../dashboard");
const { chromium } = createRequire(path.join(dashboardDir, "package.json"))("playwright-core") as typeof PW;

/** The password of every user of the bench organization (owner@bench.test, marketer@bench.test, …). */
export const BENCH_PASSWORD = "bench-password-123";

export type DashboardBench = {
  stack: BenchStack;
  /** The dashboard's base URL (served once open() has been called). */
  dashUrl: string;
  /**
   * Starts the dashboard's server (up to 2 minutes to answer /sign-in), launches Chromium (`MIRAGE_CHROMIUM`, else
   * /usr/bin/chromium) with a 1280×860 English context, and signs in as `email` on `/sign-in?next=<next>`; resolves
   * once the page is at `next` (a path, e.g. "/instances"; without it the landing page would be /overview).
   */
  open(opts: { email: string; next: string }): Promise<{ browser: PW.Browser; ctx: PW.BrowserContext; page: PW.Page }>;
};

/** Builds (when stale) and starts what every dashboard benchmark needs; throws when the orchestrator does not start. */
export async function startDashboardBench(): Promise<DashboardBench> {
  execFileSync(process.execPath, [path.join(dashboardDir, "scripts/build.mjs"), "--if-stale"], {
    cwd: dashboardDir,
    stdio: "inherit",
  });
  const dashPort = await freePort();
  const dashUrl = `http://127.0.0.1:${dashPort}`;
  const stack = await startBenchStack({
    CORS_ORIGINS: dashUrl,
    BCRYPT_COST: "4",
    LOGIN_RATE_PER_IP_PER_MINUTE: "1000",
  });
  let browser: PW.Browser | undefined;
  // Runs before the stack's own cleanup (last registered, first run): the browser first, then the orchestrator,
  // its database and its Redis keys.
  onCleanup(async () => {
    await browser?.close().catch(() => undefined);
    await stack.close();
  });
  await stack.admin`update auth.users set encrypted_password = extensions.crypt(${BENCH_PASSWORD}, extensions.gen_salt('bf', 4))`;

  return {
    stack,
    dashUrl,
    async open({ email, next }) {
      track(
        spawn(process.execPath, [path.join(dashboardDir, "scripts/serve.mjs")], {
          cwd: dashboardDir,
          env: {
            ...process.env,
            DASHBOARD_HOST: "127.0.0.1",
            DASHBOARD_PORT: String(dashPort),
            MIRAGE_API_URL: stack.url,
          },
          stdio: ["ignore", "ignore", "inherit"],
        }),
      );
      for (let i = 0; ; i++) {
        const up = await fetch(`${dashUrl}/sign-in`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        if (i > 600) throw new Error("the dashboard did not start");
        await new Promise((r) => setTimeout(r, 200));
      }
      browser = await chromium.launch({
        executablePath: process.env.MIRAGE_CHROMIUM ?? "/usr/bin/chromium",
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-quic",
          "--no-first-run",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en" });
      const page = await ctx.newPage();
      await page.goto(`${dashUrl}/sign-in?next=${next}`);
      await page.locator("#email").fill(email);
      await page.locator("#password").fill(BENCH_PASSWORD);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname === next);
      return { browser, ctx, page };
    },
  };
}
