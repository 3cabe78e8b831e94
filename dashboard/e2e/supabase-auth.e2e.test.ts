/**
 * Supabase Auth mode (AUTH_PROVIDER=supabase) in the browser against the stack: the dashboard's server signs in with
 * supabase-js, the orchestrator verifies the tokens by JWKS. GoTrue cannot run here, so a GoTrue STAND-IN
 * (./gotrue-stand-in.ts) answers supabase-js's calls. Sign-in, silent refresh when the access cookie lapses (the
 * refresh token never reaches browser JavaScript), sign-out revoking the session, and an ended session going to
 * sign-in and back.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, signIn } from "./browser";
import { PASSWORD, type Stack, startStack } from "./stack";

// Access tokens live 20 s, so the dashboard's access cookie lapses after 10 s (it is set 10 s shorter).
const ACCESS_TTL_S = 20;
let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;
const gotrue = () => {
  if (!stack.gotrue) throw new Error("the stack runs without the GoTrue stand-in");
  return stack.gotrue;
};

beforeAll(async () => {
  stack = await startStack({ auth: "supabase", accessTtlSeconds: ACCESS_TTL_S });
  ({ browser, close: closeBrowser } = await launchBrowser());
});

afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

const cookie = async (ctx: BrowserContext, name: string) => (await ctx.cookies()).find((c) => c.name === name);

/** Waits for the browser itself to drop the access cookie (its max-age ran out): no clearing by hand. */
async function accessCookieLapses(ctx: BrowserContext): Promise<void> {
  await expect
    .poll(async () => (await cookie(ctx, "mirage_at")) === undefined, { timeout: 60_000, interval: 500 })
    .toBe(true);
}

describe("Supabase Auth mode (GoTrue stand-in)", () => {
  it("a wrong password is refused in words; the right one signs in, the orchestrator accepts the JWKS-signed token", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${stack.dashboardUrl}/sign-in`);
    await page.locator("#email").fill(stack.email("admin"));
    await page.locator("#password").fill("not-the-password");
    await page.locator('button[type="submit"]').click();
    // (Next's route announcer is an empty role=alert too: the form's own alert is the one.)
    await expect
      .poll(() => page.locator('form [role="alert"]').textContent(), { timeout: 30_000 })
      .toContain("Wrong email or password.");
    await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD);
    expect(gotrue().calls).toContain("POST /auth/v1/token?password");
    const me = await page.evaluate(async () => (await fetch("/api/v1/auth/me")).json());
    expect(me.email).toBe(stack.email("admin"));
    // Neither token is readable by the page's JavaScript.
    expect(await page.evaluate(() => document.cookie)).not.toMatch(/mirage_(at|rt)=/);
    expect((await cookie(ctx, "mirage_rt"))?.httpOnly).toBe(true);
    expect((await cookie(ctx, "mirage_at"))?.httpOnly).toBe(true);
    await ctx.close();
  });

  it("the access cookie lapses and the next page and API call are served after a silent server-side refresh", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD, "/settings/members");
    const before = gotrue().calls.filter((c) => c === "POST /auth/v1/token?refresh_token").length;
    const rt = (await cookie(ctx, "mirage_rt"))?.value;
    await accessCookieLapses(ctx);
    await page.goto(`${stack.dashboardUrl}/settings/audit`);
    expect(new URL(page.url()).pathname).toBe("/settings/audit");
    expect(gotrue().calls.filter((c) => c === "POST /auth/v1/token?refresh_token").length).toBeGreaterThan(before);
    // The refresh token rotated, still only in an httpOnly cookie.
    expect((await cookie(ctx, "mirage_rt"))?.value).not.toBe(rt);
    expect(await page.evaluate(() => document.cookie)).not.toMatch(/mirage_(at|rt)=/);
    // Again for an API call made by the page (the BFF refreshes).
    await accessCookieLapses(ctx);
    const status = await page.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
    expect(status).toBe(200);
    await ctx.close();
  });

  it("signing out revokes the session at GoTrue: its refresh token no longer opens a page", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("operator"), PASSWORD);
    const rt = await cookie(ctx, "mirage_rt");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    expect(gotrue().calls).toContain("POST /auth/v1/logout");
    expect(await cookie(ctx, "mirage_rt")).toBeUndefined();
    // Someone replaying the old refresh cookie gets the sign-in page.
    const replay = await newContext(browser);
    if (rt) await replay.addCookies([{ name: rt.name, value: rt.value, url: stack.dashboardUrl }]);
    const p2 = await replay.newPage();
    await p2.goto(`${stack.dashboardUrl}/instances`);
    await p2.waitForURL(/\/sign-in\?next=%2Finstances/);
    await replay.close();
    await ctx.close();
  });

  it("a session ended at GoTrue goes to sign-in when the access cookie lapses, and comes back after signing in", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD, "/settings/webhooks");
    gotrue().revokeAll();
    await accessCookieLapses(ctx);
    await page.goto(`${stack.dashboardUrl}/settings/audit`);
    await page.waitForURL(/\/sign-in\?next=%2Fsettings%2Faudit/);
    await page.locator("#email").fill(stack.email("admin"));
    await page.locator("#password").fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.pathname === "/settings/audit", { timeout: 60_000 });
    await ctx.close();
  });
});
