/**
 * The settings pages in the browser, against the whole stack (one stack for all of them: each file starts its own).
 *
 * Webhooks: an admin adds an endpoint (secret shown once), rotates it from the endpoint's row (the new secret shown
 * once, different), and the next delivery to a receiver in this process verifies with the new secret and not with
 * the old one. An Evolution-format endpoint's row offers the rotation too (its secret is obtained no other way).
 *
 * Organization settings: an admin changes the time zone and default country (the API reads them back, and what the
 * dashboard cached follows without a reload: the other cards, the overview's day); adds an opt-out word, tests a
 * misspelt reply and sees it counted, and a virtual contact replying with it on a paired number is blacklisted; adds
 * next year's national holidays and removes one. A viewer reads the settings without a control to change them, and the API
 * refuses their changes. axe-core in English light and Portuguese dark, with no English left in Portuguese;
 * screenshots with MIRAGE_E2E_SCREENSHOTS=1 (browser.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from "@mirage/testing/webhook-receiver";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../src/i18n/catalogue";
import {
  englishOnly,
  type Look,
  launchBrowser,
  newContext,
  screenshot,
  seriousViolations,
  signIn,
  untranslated,
} from "./browser";
import { jsonCall, pageApi, pairThroughApi } from "./calls";
import { PASSWORD, type Stack, startStack } from "./stack";

const catalogue = await loadCatalogue("en");
const ptBR = await loadCatalogue("pt-BR");
const en = catalogue.webhooks as Record<string, string>;
let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let receiver: WebhookReceiver;
let receiverUrl: string;
let received: ReceivedHook[] = [];

beforeAll(async () => {
  // The receiver listens on loopback, which the SSRF policy refuses unless allowed.
  stack = await startStack({ orchestratorEnv: { WEBHOOK_ALLOW_PRIVATE: "127.0.0.1" } });
  ({ browser, close: closeBrowser } = await launchBrowser());
  receiver = await startWebhookReceiver();
  received = receiver.received;
  receiverUrl = `${receiver.url}/hooks`;
});

afterAll(async () => {
  await closeBrowser?.();
  await receiver?.close();
  await stack?.close();
});

/** Whether `header` (t=…,v1=…) is the HMAC-SHA256 of `t.body` under `secret`, as the README tells receivers. */
function verifies(header: string, body: string, secret: string): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac("sha256", secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function adminOnWebhooks(): Promise<Page> {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD, "/settings/webhooks");
  await page.locator("main h1").first().waitFor({ timeout: 30_000 });
  return page;
}

/** Rotates the secret from `url`'s row, checking the question's wording; answers the secret shown once. */
async function rotateFromRow(page: Page, url: string): Promise<string> {
  const row = page.locator(`[data-webhook="${url}"]`);
  await row.waitFor({ timeout: 30_000 });
  await row.getByTestId("rotate-secret").click();
  const question = page.locator('[role="alertdialog"]');
  await question.waitFor();
  expect(await question.textContent()).toContain(en.rotateBody?.split(":")[0]);
  await page.getByTestId("rotate-secret-confirm").click();
  const secret = (await page.getByTestId("secret-once").textContent({ timeout: 30_000 })) ?? "";
  // Once: closed, it is gone from the page.
  await page.keyboard.press("Escape");
  await expect.poll(() => page.getByTestId("secret-once").count()).toBe(0);
  return secret;
}

describe("webhook signing secret rotation", () => {
  it("the new secret is shown once, differs from the old, and the next delivery verifies with it only", async () => {
    const page = await adminOnWebhooks();
    await page.getByRole("button", { name: en.add }).click();
    await page.locator("#wh-url").fill(receiverUrl);
    await page.locator('[role="dialog"] button[type="submit"]').click();
    const old = (await page.getByTestId("secret-once").textContent({ timeout: 30_000 })) ?? "";
    expect(old).toMatch(/^whsec_/);
    await page.keyboard.press("Escape");

    const fresh = await rotateFromRow(page, receiverUrl);
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);

    await page.locator(`[data-webhook="${receiverUrl}"]`).getByRole("button", { name: en.test }).click();
    await expect
      .poll(() => received.find((r) => r.headers["mirage-event"] === "webhook:test"), { timeout: 60_000 })
      .toBeDefined();
    const delivery = received.find((r) => r.headers["mirage-event"] === "webhook:test") as ReceivedHook;
    const signature = String(delivery.headers["mirage-signature"]);
    expect(verifies(signature, delivery.body, fresh)).toBe(true);
    expect(verifies(signature, delivery.body, old)).toBe(false);
    await page.context().close();
  });

  it("an Evolution-format endpoint's row offers the rotation, which shows its secret", async () => {
    const [instance] = await stack.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name, status) values (${stack.org.orgId}, 'evo-hooks', 'stopped')
      returning id`;
    const url = `${receiverUrl}/evolution`;
    await stack.t.admin`
      insert into public.webhook_endpoints (org_id, url, format, instance_id, events)
      values (${stack.org.orgId}, ${url}, 'evolution', ${(instance as { id: string }).id}, '{MESSAGES_UPSERT}')`;
    const page = await adminOnWebhooks();
    expect(await rotateFromRow(page, url)).toMatch(/^whsec_/);
    await page.context().close();
  });
});

type Words = Record<string, string>;
const os = catalogue.orgSettings as { org: Words; optOut: Words; holidays: Words };
const nav = catalogue.nav as Words;
const mainNav = (catalogue.shell as Words).mainNav as string;
const orgPath = (p = "") => `/orgs/${stack.org.orgId}${p}`;
const WORD = "basta de ofertas";
const MISSPELT = "Basta de oferats!";
const suffix = String(Date.now() % 10_000).padStart(4, "0");
const ACCOUNT = `5511966${suffix}31`;
const CONTACT = `5511955${suffix}32`;

async function onOrgSettings(role: "admin" | "viewer", look?: Look): Promise<Page> {
  const ctx = await newContext(browser, look);
  const page = await ctx.newPage();
  await signIn(page, stack.dashboardUrl, stack.email(role), PASSWORD, "/settings/organization");
  await page.getByTestId("holidays-card").waitFor({ timeout: 30_000 });
  return page;
}

/** Tries `text` in the opt-out card's test box: whether it counts (data-opt-out) and what the page says. */
async function testReply(page: Page, text: string): Promise<{ optOut: string | null; said: string }> {
  await page.locator("#opt-out-test").fill(text);
  await page.getByTestId("opt-out-check").click();
  const verdict = page.locator('[data-testid="opt-out-verdict"][data-opt-out]');
  await verdict.waitFor({ timeout: 15_000 });
  return { optOut: await verdict.getAttribute("data-opt-out"), said: (await verdict.textContent()) ?? "" };
}

/** A call from the page with the signed-in member's session; answers the status. */
const statusOf = (page: Page, method: string, path: string, body: unknown) =>
  page.evaluate(
    async (c) =>
      (
        await fetch(`/api/v1${c.path}`, {
          method: c.method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(c.body),
        })
      ).status,
    { method, path, body },
  );

describe("organization settings", () => {
  let admin: Page;
  beforeAll(async () => {
    admin = await onOrgSettings("admin");
  });
  afterAll(async () => {
    await admin?.context().close();
  });
  const go = (name: string) =>
    admin.getByRole("navigation", { name: mainNav }).getByRole("link", { name, exact: true }).click();

  it("an admin changes the time zone and default country: the API reads them back, the dashboard follows", async () => {
    // The overview read first, so its figures (counted in the organization's zone) are cached when the zone changes.
    await go(nav.overview as string);
    await expect.poll(() => admin.locator("#today-title").textContent(), { timeout: 30_000 }).toContain("UTC");
    await go(nav.organization as string);
    await admin.getByTestId("org-form").waitFor({ timeout: 30_000 });
    // No country yet: seeding adds Brazil's holidays (the API's default).
    expect(await admin.locator("#holiday-seed-help").textContent()).toContain("Brazil");
    await admin.locator("#org-timezone").selectOption("Europe/Lisbon");
    await admin.locator("#org-country").selectOption("PT");
    await admin.getByTestId("org-save").click();
    await expect
      .poll(async () => (await pageApi<Words>(admin, orgPath())).body, { timeout: 15_000 })
      .toMatchObject({ timezone: "Europe/Lisbon", defaultCountry: "PT" });
    await expect.poll(() => admin.getByTestId("org-save").isDisabled()).toBe(true);
    await expect.poll(() => admin.locator("#holiday-seed-help").textContent()).toContain("Portugal");
    // Back to the overview without a reload: its day is now Lisbon's.
    await go(nav.overview as string);
    await expect.poll(() => admin.locator("#today-title").textContent(), { timeout: 30_000 }).toContain("Lisbon");
    await go(nav.organization as string);
    await admin.getByTestId("opt-out-card").waitFor({ timeout: 30_000 });
  });

  it("an admin adds an opt-out word; a misspelt reply counts, and a contact replying with it is blacklisted", async () => {
    await admin.locator("#opt-out-word").fill(WORD);
    await admin.getByTestId("opt-out-add").click();
    await admin.locator(`[data-testid="opt-out-words"] [data-word="${WORD}"]`).waitFor({ timeout: 15_000 });
    expect((await pageApi<{ words: string[] }>(admin, orgPath("/messaging/opt-out"))).body.words).toEqual([WORD]);
    const verdict = await testReply(admin, MISSPELT);
    expect(verdict.optOut).toBe("true");
    expect(verdict.said).toContain(`“${WORD}”`);
    expect(verdict.said).toContain("1 typo forgiven");
    expect((await testReply(admin, "Quero saber das ofertas de basta")).optOut).toBe("false");

    // Through WhatsApp: a virtual contact sends the misspelt word to a paired number.
    const started = Date.now();
    const login = await jsonCall("POST", `${stack.apiUrl}/api/v1/auth/login`, {
      body: { email: stack.email("admin"), password: PASSWORD },
    });
    await pairThroughApi({
      apiUrl: stack.apiUrl,
      orgId: stack.org.orgId,
      token: login.body.accessToken as string,
      accounts: [ACCOUNT],
      scan: (account, qr) => stack.sim.phone(account).scan(qr),
    });
    const said = await jsonCall("POST", `${stack.control.url}/contacts/${CONTACT}/messages`, {
      body: { to: ACCOUNT, text: MISSPELT },
    });
    expect(said.status, JSON.stringify(said.body)).toBe(201);
    await expect
      .poll(
        async () =>
          (await pageApi<{ items: { phone: string | null; source: string }[] }>(admin, orgPath("/blacklist"))).body
            .items,
        { timeout: 30_000, interval: 500 },
      )
      .toContainEqual(expect.objectContaining({ phone: `+${CONTACT}`, source: "opt_out" }));
    process.stdout.write(`settings: pairing and an opt-out reply took ${Date.now() - started} ms\n`);
  }, 180_000);

  it("an admin adds next year's national holidays of the organization's country and removes one", async () => {
    const next = (await admin.locator("#holiday-seed-year option").last().getAttribute("value")) ?? "";
    await admin.locator("#holiday-seed-year").selectOption(next);
    await admin.getByTestId("holiday-seed").click();
    const rows = admin.locator(`[data-testid="holidays"] [data-holiday^="${next}-"]`);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(5);
    const read = async () =>
      (
        await pageApi<{ items: { id: string; countryCode: string }[] }>(
          admin,
          orgPath(`/holidays?from=${next}-01-01&to=${next}-12-31`),
        )
      ).body.items;
    const seeded = await read();
    expect(seeded.map((h) => h.countryCode)).toEqual(seeded.map(() => "PT"));
    expect(await rows.count()).toBe(seeded.length);
    const id = (await rows.first().getAttribute("data-holiday-id")) ?? "";
    await rows.first().getByRole("button", { name: os.holidays.remove }).click();
    await admin.locator('[role="alertdialog"]').getByRole("button", { name: os.holidays.remove }).click();
    await expect.poll(async () => (await read()).map((h) => h.id), { timeout: 15_000 }).not.toContain(id);
    await expect.poll(() => admin.locator(`[data-holiday-id="${id}"]`).count()).toBe(0);
  });

  it("a viewer reads the settings without a control to change them; the API refuses their changes", async () => {
    const page = await onOrgSettings("viewer");
    await page.getByTestId("org-timezone-value").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("org-timezone-value").textContent()).toBe("Europe/Lisbon");
    expect(await page.getByTestId("org-country-value").textContent()).toBe("Portugal");
    await page.locator(`[data-word="${WORD}"]`).waitFor({ timeout: 15_000 });
    await page.locator("[data-holiday]").first().waitFor({ timeout: 15_000 });
    expect(
      await page
        .getByRole("navigation", { name: mainNav })
        .getByRole("link", { name: nav.organization, exact: true })
        .count(),
    ).toBe(1);
    for (const control of ["#org-name", "#org-timezone", "#org-country", "#opt-out-word", "#opt-out-defaults"])
      expect(await page.locator(control).count(), control).toBe(0);
    expect(await page.getByTestId("org-form").count()).toBe(0);
    expect(await page.getByTestId("opt-out-words").getByRole("button").count()).toBe(0);
    expect(await page.getByTestId("holidays-card").getByRole("button").count()).toBe(0);
    // Trying a reply is everyone's.
    expect((await testReply(page, MISSPELT)).optOut).toBe("true");
    expect(await statusOf(page, "PATCH", orgPath(), { timezone: "UTC", defaultCountry: null })).toBe(403);
    expect(await statusOf(page, "PUT", orgPath("/messaging/opt-out"), { words: [] })).toBe(403);
    expect(await statusOf(page, "POST", orgPath("/holidays"), { day: "2030-01-02", name: "Nope" })).toBe(403);
    expect((await pageApi<Words>(page, orgPath())).body.timezone).toBe("Europe/Lisbon");
    await page.context().close();
  });

  const looks: Look[] = [
    { locale: "en", theme: "light" },
    { locale: "pt-BR", theme: "dark" },
  ];
  for (const look of looks) {
    it(`${look.locale} ${look.theme}: no serious accessibility violation${look.locale === "pt-BR" ? ", no English left" : ""}`, async () => {
      const page = await onOrgSettings("admin", look);
      await page.getByTestId("org-form").waitFor({ timeout: 30_000 });
      await page.locator("[data-holiday]").first().waitFor({ timeout: 15_000 });
      await testReply(page, MISSPELT);
      await page.waitForLoadState("networkidle").catch(() => undefined);
      const file = `organization-settings-${look.theme}-${look.locale}.png`;
      await screenshot(page, file);
      const problems = (await seriousViolations(page)).map((v) => `page: ${v}`);
      await page.getByTestId("holiday-add").click();
      await page.locator('[role="dialog"]').waitFor();
      problems.push(...(await seriousViolations(page)).map((v) => `add holiday: ${v}`));
      await page.keyboard.press("Escape");
      if (look.locale === "pt-BR") {
        expect(await page.evaluate(() => document.documentElement.lang)).toBe("pt-BR");
        for (const s of await untranslated(page, englishOnly(catalogue, ptBR))) problems.push(`untranslated "${s}"`);
      }
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }
});
