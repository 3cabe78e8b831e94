/**
 * The dashboard in headless Chromium against the whole stack (orchestrator, a worker with real Baileys, wa-sim):
 * pairing by the QR shown on the page, a ban reaching the admin's health board, role-based UI backed by the API's
 * refusal, session expiry, Portuguese without untranslated strings, axe-core and a phone's width on every page in
 * English (light) and Portuguese (dark) (screenshots with MIRAGE_E2E_SCREENSHOTS=1: browser.ts).
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../src/i18n/catalogue";
import {
  CHROMIUM,
  englishOnly,
  type Look,
  launchBrowser,
  newContext,
  phoneOverflow,
  screenshot,
  seriousViolations,
  signIn,
  untranslated,
} from "./browser";
import { PASSWORD, type Stack, startStack } from "./stack";

const en = await loadCatalogue("en");
const ptBR = await loadCatalogue("pt-BR");
let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let phoneSeq = 0;
const nextPhone = () => `5511977${String(Date.now() % 10_000).padStart(4, "0")}${String(++phoneSeq).padStart(2, "0")}`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: ./mirage test installs Debian's chromium`);
  stack = await startStack();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

async function scanAs(phone: string, qr: string): Promise<void> {
  const res = await fetch(`${stack.control.url}/accounts/${phone}/scan`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ qr }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** Opens "Add number", names it, and waits for the QR the page shows (its payload is on the image). */
async function openQrFor(page: Page, name: string): Promise<string> {
  await page.getByTestId("add-number").first().click();
  await page.locator("#instance-name").fill(name);
  await page.locator('[role="dialog"] button[type="submit"]').click();
  const img = page.locator("img[data-qr]:not([data-qr=''])");
  await img.waitFor({ timeout: 60_000 });
  return (await img.getAttribute("data-qr")) ?? "";
}

const card = (page: Page, name: string) => page.locator(`[data-testid="instance-card"][data-instance="${name}"]`);

describe("pairing", () => {
  it("an operator signs in, adds a number, the virtual phone scans the QR on the page, the card turns connected without a reload", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("operator"), PASSWORD);
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    const qr = await openQrFor(page, "sales-e2e");
    await expect.poll(() => page.getByTestId("qr-countdown").textContent()).toMatch(/\d+ second/);
    const phone = nextPhone();
    const scannedAt = Date.now();
    await scanAs(phone, qr);
    await page.getByTestId("pair-success").waitFor({ timeout: 60_000 });
    const successMs = Date.now() - scannedAt;
    await page.keyboard.press("Escape");
    await card(page, "sales-e2e").and(page.locator('[data-status="connected"]')).waitFor({ timeout: 30_000 });
    // The linked number follows the status (the list is re-read on the event), still without a reload.
    await card(page, "sales-e2e").getByText(`+${phone}`).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    // From the phone's scan to the dialog saying so (includes WhatsApp's handshake in wa-sim and Baileys).
    process.stdout.write(`pairing: scan → success on screen in ${successMs} ms\n`);
    await ctx.close();
  });

  it("simulator mode: 'scan with the virtual phone' pairs without any phone", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD);
    await openQrFor(page, "sim-button");
    await page.getByTestId("sim-scan").click();
    await page.getByTestId("pair-success").waitFor({ timeout: 60_000 });
    await ctx.close();
  });
});

describe("health board", () => {
  it("wa-sim bans the number and the admin's board shows it within 2 s", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("operator"), PASSWORD);
    const qr = await openQrFor(page, "to-ban");
    const phone = nextPhone();
    await scanAs(phone, qr);
    await page.getByTestId("pair-success").waitFor({ timeout: 60_000 });
    await ctx.close();

    const admin = await newContext(browser);
    const board = await admin.newPage();
    await signIn(board, stack.dashboardUrl, stack.email("admin"), PASSWORD, "/health");
    await board.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    const started = Date.now();
    const res = await fetch(`${stack.control.url}/accounts/${phone}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fault: { type: "banned" } }),
    });
    expect(res.status).toBe(202);
    await board
      .locator('[data-testid="attention-item"][data-instance="to-ban"][data-kind="banned"]')
      .waitFor({ timeout: 10_000 });
    const elapsed = Date.now() - started;
    process.stdout.write(`health board: ban → on screen in ${elapsed} ms\n`);
    expect(elapsed).toBeLessThan(2_000);
    expect(await board.locator('[data-testid="attention-item"][data-instance="to-ban"]').textContent()).toContain(
      (en.advice as { banned: string }).banned.slice(0, 30),
    );
    await admin.close();
  });
});

describe("roles", () => {
  it("a viewer sees no add or delete button, and the API refuses the delete anyway", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("viewer"), PASSWORD);
    await card(page, "sales-e2e").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("add-number").count()).toBe(0);
    expect(await page.locator('button[aria-label^="Actions for"]').count()).toBe(0);
    expect(await page.getByTestId("delete-instance").count()).toBe(0);
    // Admin pages are not in the viewer's navigation.
    expect(await page.locator('nav a[href="/health"]').count()).toBe(0);
    const href = await card(page, "sales-e2e").locator("a").first().getAttribute("href");
    const id = href?.split("/").pop();
    const status = await page.evaluate(
      async ([orgId, instanceId]) =>
        (await fetch(`/api/v1/orgs/${orgId}/instances/${instanceId}`, { method: "DELETE" })).status,
      [stack.org.orgId, id] as const,
    );
    expect(status).toBe(403);
    await ctx.close();
  });
});

describe("live", () => {
  it("a lost connection shows 'reconnecting', and on return the page catches up without a reload", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await stack.stopOrchestrator();
    await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 30_000 });
    // Changed while the API is down: no event can carry it; the page must re-read on return. A rename, because the
    // worker hosting the number re-asserts its true status (a status written by hand would not survive).
    await stack.t.admin`update public.instances set name = 'sim-renamed'
      where org_id = ${stack.org.orgId} and name = 'sim-button'`;
    await stack.restartOrchestrator();
    await page.locator('[data-connection="live"]').waitFor({ timeout: 60_000 });
    await card(page, "sim-renamed").waitFor({ timeout: 30_000 });
    await ctx.close();
  });
});

describe("session", () => {
  it("an expired session goes to sign-in and comes back to the page it was on; tokens never reach JavaScript", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD, "/settings/members");
    expect(await page.evaluate(() => document.cookie)).not.toMatch(/mirage_(at|rt)=/);
    const cookies = await ctx.cookies();
    expect(
      cookies.filter((c) => c.name.startsWith("mirage_") && c.name !== "mirage_org").every((c) => c.httpOnly),
    ).toBe(true);
    // The access cookie lapsing alone is invisible: the refresh cookie renews it server-side — also when a page
    // navigation (the proxy) and API calls (route handlers) present the same refresh token at once, which must be
    // one refresh: a rotated refresh token presented twice would revoke the whole login.
    await ctx.clearCookies({ name: "mirage_at" });
    const [me, token] = await Promise.all([
      ctx.request.get(`${stack.dashboardUrl}/api/v1/auth/me`),
      ctx.request.get(`${stack.dashboardUrl}/api/session/token`),
      page.goto(`${stack.dashboardUrl}/settings/audit`),
    ]);
    expect([me.status(), token.status()]).toEqual([200, 200]);
    expect(new URL(page.url()).pathname).toBe("/settings/audit");
    await page.reload();
    expect(new URL(page.url()).pathname).toBe("/settings/audit");
    // Both gone (or the refresh token revoked): sign in, then back where it was.
    await ctx.clearCookies();
    await page.goto(`${stack.dashboardUrl}/settings/webhooks`);
    await page.waitForURL(/\/sign-in\?next=%2Fsettings%2Fwebhooks/);
    await page.locator("#email").fill(stack.email("admin"));
    await page.locator("#password").fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.pathname === "/settings/webhooks");
    await ctx.close();
  });
});

const PAGES = [
  { name: "instances", path: "/instances" },
  { name: "instance", path: "instance" },
  { name: "add-number", path: "/instances", open: true },
  { name: "health", path: "/health" },
  { name: "members", path: "/settings/members" },
  { name: "api-keys", path: "/settings/api-keys" },
  { name: "webhooks", path: "/settings/webhooks" },
  { name: "audit", path: "/settings/audit" },
] as const;

describe("every page, each theme and each language", () => {
  // Each theme once and each language once, as the other suites: contrast depends on the theme, untranslated text
  // and overflow on the language, neither on the other (the full cross doubled the suite's slowest part).
  const looks: Look[] = [
    { locale: "en", theme: "light" },
    { locale: "pt-BR", theme: "dark" },
  ];
  for (const look of looks) {
    it(`${look.locale} ${look.theme}: no serious accessibility violation${look.locale === "pt-BR" ? ", no English left" : ""}`, async () => {
      const ctx = await newContext(browser, look);
      const page = await ctx.newPage();
      const problems: string[] = [];
      const leftovers = englishOnly(en, ptBR);
      const check = async (name: string) => {
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await screenshot(page, `${name}-${look.theme}-${look.locale}.png`);
        for (const v of await seriousViolations(page)) problems.push(`${name}: ${v}`);
        if (look.locale === "pt-BR") {
          for (const s of await untranslated(page, leftovers)) problems.push(`${name}: untranslated "${s}"`);
          expect(await page.evaluate(() => document.documentElement.lang)).toBe("pt-BR");
        }
      };
      await page.goto(`${stack.dashboardUrl}/sign-in`);
      await check("sign-in");
      await signIn(page, stack.dashboardUrl, stack.email("owner"), PASSWORD);
      const first = await card(page, "sales-e2e").locator("a").first().getAttribute("href");
      for (const p of PAGES) {
        await page.goto(`${stack.dashboardUrl}${p.path === "instance" ? first : p.path}`);
        await page.locator("main h1").first().waitFor({ timeout: 30_000 });
        if ("open" in p) {
          await page.getByTestId("add-number").first().click();
          await page.locator('[role="dialog"]').waitFor();
        }
        await check(p.name);
        if ("open" in p) continue;
        // Down to a phone screen: no page scrolls sideways (tables scroll inside their own box).
        const overflow = await phoneOverflow(page, () => screenshot(page, `${p.name}-phone-${look.locale}.png`));
        if (overflow > 1) problems.push(`${p.name}: ${overflow}px wider than a 375px screen`);
      }
      expect(problems).toEqual([]);
      await ctx.close();
      // Nine page loads, each with axe and a phone-width check: minutes on the loaded 2-core machine.
    }, 600_000);
  }
});
