import axe from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.MIRAGE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Debian's Chromium, headless, with everything that would reach the network or Google's services turned off.
 * playwright gives every launch a fresh temporary profile (--user-data-dir), deleted on close.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 120_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}

export type Look = { locale: "en" | "pt-BR"; theme: "light" | "dark" };

/** A fresh context (no cookies) whose browser asks for `locale` (Accept-Language) and prefers `theme`. */
export function newContext(browser: Browser, look: Look = { locale: "en", theme: "light" }): Promise<BrowserContext> {
  return browser.newContext({
    locale: look.locale,
    colorScheme: look.theme,
    viewport: { width: 1280, height: 860 },
  });
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string, next = "/instances") {
  await page.goto(`${baseUrl}${next}`);
  await page.waitForURL(/\/sign-in/);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === next.split("?")[0], { timeout: 60_000 });
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }),
  )) as axe.AxeResults;
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
