import { mkdirSync } from "node:fs";
import path from "node:path";
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

/** Where the browser suites save their screenshots (gitignored). */
const SCREENSHOTS_DIR = path.resolve(import.meta.dirname, "../e2e-artifacts/screenshots");

/**
 * Saves a PNG of the page (the whole page unless `fullPage: false`) as `SCREENSHOTS_DIR/<file>` when
 * `MIRAGE_E2E_SCREENSHOTS=1`, to look at how pages render in each language and theme. Off by default: a screenshot
 * asserts nothing, and its PNG costs Chromium half a CPU-second (a tenth of a browser suite's CPU, measured on
 * campaigns.e2e).
 */
export async function screenshot(page: Page, file: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.MIRAGE_E2E_SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, file), fullPage: opts.fullPage ?? true });
}

export type Look = { locale: "en" | "pt-BR"; theme: "light" | "dark" };

/**
 * A fresh context (no cookies) whose browser asks for `locale` (Accept-Language) and prefers `theme`. Navigations
 * (goto, waitForURL) may take 60 s: on a loaded 2-core machine running the whole suite, a page load has taken more
 * than the default 30 s.
 */
export async function newContext(
  browser: Browser,
  look: Look = { locale: "en", theme: "light" },
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    locale: look.locale,
    colorScheme: look.theme,
    viewport: { width: 1280, height: 860 },
  });
  ctx.setDefaultNavigationTimeout(60_000);
  return ctx;
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string, next = "/instances") {
  await page.goto(`${baseUrl}${next}`);
  await page.waitForURL(/\/sign-in/);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === next.split("?")[0], { timeout: 60_000 });
}

/**
 * How many CSS pixels the page as it is now is wider than a 375 px phone screen (0 or less: nothing scrolls
 * sideways). The viewport is narrowed in place, measured once the layout settled (two frames), and restored, so a
 * page is checked without loading it again; the dashboard's responsive layout is CSS only (no script reads the
 * window's width), so a page narrowed lays out as one loaded narrow. `whileNarrow` runs before the width is restored
 * (a phone screenshot).
 */
export async function phoneOverflow(page: Page, whileNarrow?: () => Promise<void>): Promise<number> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 760 });
  const overflow = await page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => resolve(document.documentElement.scrollWidth - window.innerWidth)),
        ),
      ),
  );
  await whileNarrow?.();
  if (size) await page.setViewportSize(size);
  return overflow;
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      // Passes and inapplicable rules are only counted, not collected node by node: the violations are what is read.
      resultTypes: ["violations"],
    }),
  )) as axe.AxeResults;
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * Every catalogue message that differs between English and Portuguese and is long enough to be recognisable: its
 * longest literal run between placeholders, when that run has 6 characters or more. What a pt-BR page must not show.
 */
export function englishOnly(en: object, ptBR: object): string[] {
  const out: string[] = [];
  const walk = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(a)) {
      if (typeof v === "object" && v) walk(v as Record<string, unknown>, b[k] as Record<string, unknown>);
      else if (typeof v === "string" && v !== b[k]) {
        const run =
          v
            .split(/\{[^}]*\}/)
            .sort((x, y) => y.length - x.length)[0]
            ?.trim() ?? "";
        if (run.length >= 6) out.push(run);
      }
    }
  };
  walk(en as Record<string, unknown>, ptBR as Record<string, unknown>);
  return out;
}

/** Whole-word match ("Remove" is not found inside "Remover"). */
function containsWords(text: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u").test(text);
}

/** The phrases of `englishOnly` that the page shows now, as whole words of its visible text. */
export async function untranslated(page: Page, englishPhrases: string[]): Promise<string[]> {
  // biome-ignore lint/performance/useDomNodeTextContent: what is rendered visibly is what must be Portuguese.
  const text = await page.evaluate(() => document.body.innerText);
  return englishPhrases.filter((s) => containsWords(text, s));
}
