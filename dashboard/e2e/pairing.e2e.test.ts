/**
 * Getting a QR back after the add dialog was closed: a number that needs pairing (waiting for a scan after a restart,
 * or stopped before any phone linked) offers "Pair with QR code" on its card and its page, which opens the add
 * dialog's QR step (starting the number first when it is not running); the virtual phone scans and the number turns
 * connected live. The restart and stop confirmations say the phone stays linked only when one is. A pairing code
 * instead of a QR: the virtual phone types it (simulator mode).
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../src/i18n/catalogue";
import { CHROMIUM, launchBrowser, newContext, signIn } from "./browser";
import { PASSWORD, type Stack, startStack } from "./stack";

type Actions = {
  pair: string;
  restart: string;
  stop: string;
  cancel: string;
  confirm: Record<"restart" | "stop", { body: string; bodyUnlinked: string }>;
};
const en = (await loadCatalogue("en")) as { actions: Actions; add: Record<string, string> };
const t = en.actions;
let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: ./mirage test installs Debian's chromium`);
  stack = await startStack();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

const card = (page: Page, name: string) => page.locator(`[data-testid="instance-card"][data-instance="${name}"]`);
const qrImage = (page: Page) => page.locator("[role=dialog] img[data-qr]:not([data-qr=''])");

/** Adds a number, waits for its first QR, and closes the dialog without scanning: the fresh user's dead end. */
async function addAndClose(page: Page, name: string): Promise<void> {
  await page.getByTestId("add-number").first().click();
  await page.locator("#instance-name").fill(name);
  await page.locator('[role="dialog"] button[type="submit"]').click();
  await qrImage(page).waitFor({ timeout: 60_000 });
  await page.keyboard.press("Escape");
  await page.locator("[role=dialog]").waitFor({ state: "detached", timeout: 10_000 });
}

/** Opens the number's menu, picks `item`, and returns the confirmation's text (left open). */
async function confirmationOf(page: Page, name: string, item: string): Promise<string> {
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: item }).click();
  const dialog = page.getByRole("alertdialog");
  await dialog.waitFor({ timeout: 10_000 });
  return (await dialog.textContent()) ?? "";
}

/**
 * The virtual phone scans the QR shown, as a person would; when that QR expired in the moment (the dialog says so and
 * shows the next), it scans the next one, three times at most.
 */
async function scanWithVirtualPhone(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await qrImage(page).waitFor({ timeout: 60_000 });
    const shown = await qrImage(page).getAttribute("data-qr");
    await page.getByTestId("sim-scan").click();
    const paired = await page
      .getByTestId("pair-success")
      .waitFor({ timeout: 30_000 })
      .then(() => true)
      .catch(() => false);
    if (paired) return;
    if (attempt === 3) throw new Error("the virtual phone's scans did not pair the number");
    await page.locator(`[role=dialog] img[data-qr]:not([data-qr="${shown}"])`).waitFor({ timeout: 60_000 });
  }
}

describe("pairing a number again", () => {
  it("after closing the QR dialog and restarting, the card's 'Pair with QR code' shows a QR the virtual phone pairs", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("operator"), PASSWORD);
    await addAndClose(page, "closed-too-soon");
    const pending = card(page, "closed-too-soon").and(page.locator('[data-status="pending_pairing"]'));
    await pending.waitFor({ timeout: 30_000 });

    // Never linked: the restart confirmation must not claim the phone stays linked.
    const body = await confirmationOf(page, "closed-too-soon", t.restart);
    expect(body).toContain(t.confirm.restart.bodyUnlinked);
    expect(body).not.toContain(t.confirm.restart.body);
    await page.getByRole("alertdialog").getByRole("button", { name: t.restart }).click();
    await page.getByRole("alertdialog").waitFor({ state: "detached", timeout: 10_000 });
    await pending.waitFor({ timeout: 30_000 });

    await card(page, "closed-too-soon").getByRole("button", { name: t.pair }).click();
    await scanWithVirtualPhone(page);
    await page.getByTestId("pair-success").getByRole("button").click();
    await card(page, "closed-too-soon").and(page.locator('[data-status="connected"]')).waitFor({ timeout: 30_000 });
    // Linked now: no pairing offered, and the restart confirmation says the link stays.
    expect(await card(page, "closed-too-soon").getByRole("button", { name: t.pair }).count()).toBe(0);
    const linkedBody = await confirmationOf(page, "closed-too-soon", t.restart);
    expect(linkedBody).toContain(t.confirm.restart.body);
    await page.getByRole("alertdialog").getByRole("button", { name: t.cancel }).click();
    await ctx.close();
  }, 240_000);

  it("a number stopped before any phone linked is started by 'Pair with QR code' on its page and pairs", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("operator"), PASSWORD);
    await addAndClose(page, "stopped-unpaired");
    const body = await confirmationOf(page, "stopped-unpaired", t.stop);
    expect(body).toContain(t.confirm.stop.bodyUnlinked);
    await page.getByRole("alertdialog").getByRole("button", { name: t.stop }).click();
    await card(page, "stopped-unpaired").and(page.locator('[data-status="stopped"]')).waitFor({ timeout: 30_000 });

    await card(page, "stopped-unpaired").getByRole("link", { name: "stopped-unpaired" }).click();
    await page.waitForURL(/\/instances\/[0-9a-f-]{36}$/);
    await page.getByTestId("pair-instance").click();
    await scanWithVirtualPhone(page);
    await page.getByTestId("pair-success").getByRole("button").click();
    // The page's own badge (outside the closed dialog) follows the status event.
    await page.locator('h1 ~ [data-status="connected"]').waitFor({ timeout: 30_000 });
    await ctx.close();
  }, 240_000);

  it("a pairing code: the dialog shows it, the virtual phone types it, and the number connects", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("operator"), PASSWORD);
    await page.getByTestId("add-number").first().click();
    await page.locator("#instance-name").fill("by-code");
    await page.locator('[role="dialog"] button[type="submit"]').click();
    await page.getByRole("button", { name: en.add.useCode }).click();
    await page.locator("#pair-phone").fill("(11) 99999-0077");
    await page.getByRole("button", { name: en.add.getCode }).click();
    const code = (await page.getByTestId("pairing-code").textContent({ timeout: 60_000 })) ?? "";
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await page.getByTestId("sim-enter-code").click();
    await page.getByTestId("pair-success").waitFor({ timeout: 60_000 });
    await page.getByTestId("pair-success").getByRole("button").click();
    await card(page, "by-code").and(page.locator('[data-status="connected"]')).waitFor({ timeout: 30_000 });
    await ctx.close();
  }, 240_000);
});
