/**
 * The marketer's pages in headless Chromium against the whole stack (orchestrator, a worker with real Baileys on two
 * virtual numbers, wa-sim): a template written in the editor (a warning inline, the WhatsApp-formatted preview on
 * real contacts), a campaign through the wizard (the API's refusal shown and Start disabled, sender budgets, a
 * compressed pacing profile, the dry run), started; the live view counts up to what wa-sim's contacts really
 * received, without a reload; pause and resume from the page. axe-core and a phone's width on every page in both
 * locales (screenshots with MIRAGE_E2E_SCREENSHOTS=1: browser.ts). Contacts are seeded through the API.
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../src/i18n/catalogue";
import {
  CHROMIUM,
  englishOnly,
  launchBrowser,
  newContext,
  phoneOverflow,
  screenshot,
  seriousViolations,
  signIn,
  untranslated,
} from "./browser";
import { type Json, jsonCall, pairThroughApi, until } from "./calls";
import { PASSWORD, type Stack, startStack } from "./stack";

const en = await loadCatalogue("en");
const ptBR = await loadCatalogue("pt-BR");
const ACCOUNTS = ["5511966330001", "5511966330002"];
const RECIPIENTS = 24;
const phones = Array.from({ length: RECIPIENTS }, (_, i) => `+5511977${300_000 + i}`);

let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let marketer: string;
let listId: string;
let templateId: string;
let campaignId: string;

const call = (method: string, p: string, token: string | null, body?: unknown) =>
  jsonCall(method, `${stack.apiUrl}/api/v1${p}`, { token, body });
const org = (p: string) => `/orgs/${stack.org.orgId}${p}`;

async function login(role: "admin" | "marketer"): Promise<string> {
  const res = await call("POST", "/auth/login", null, { email: stack.email(role), password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken as string;
}

const received = () => ACCOUNTS.flatMap((account) => stack.sim.groundTruth.messages({ account }));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: ./mirage test installs Debian's chromium`);
  stack = await startStack();
  ({ browser, close: closeBrowser } = await launchBrowser());
  const admin = await login("admin");
  marketer = await login("marketer");
  // Two virtual numbers, paired by their phones scanning the QR the API serves.
  await pairThroughApi({
    apiUrl: stack.apiUrl,
    orgId: stack.org.orgId,
    token: admin,
    accounts: ACCOUNTS,
    scan: (account, qr) => stack.sim.phone(account).scan(qr),
  });
  // The audience, through the API: named contacts in one list.
  const list = await call("POST", org("/lists"), marketer, { name: "Clientes e2e" });
  listId = list.body.id as string;
  const ids: string[] = [];
  for (const [i, phone] of phones.entries()) {
    const c = await call("POST", org("/contacts"), marketer, { phone, name: `Ana${i} Souza` });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    ids.push(c.body.id as string);
  }
  const members = await call("POST", org(`/lists/${listId}/members`), marketer, { contactIds: ids });
  expect(members.status, JSON.stringify(members.body)).toBeLessThan(300);
  // A template using a variable no contact has: the start must be refused for it.
  const broken = await call("POST", org("/templates"), marketer, { name: "Com cupom", body: "Oi! Use {{cupom}}." });
  expect(broken.status).toBe(201);
}, 900_000);

afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

const noReload = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { __noReload: boolean }).__noReload = true;
  });
const stillNoReload = (page: Page) =>
  page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
const value = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute("data-value"));

describe("a marketer's campaign, from the template to the live view", () => {
  it("writes a template: a warning inline, the preview formatted as WhatsApp shows it on a real contact", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("marketer"), PASSWORD, "/templates");
    await page.getByTestId("new-template").click();
    await page.locator("#template-name").fill("Boas-vindas");
    await page
      .getByTestId("template-body")
      .fill("{Olá|Oi} *{{first_name|cliente}}*, temos uma _oferta_ em {{cidade}}!");
    const warning = page.locator('[data-testid="template-warning"][data-code="unknown_variable"]');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toContain("{{cidade}}");
    // The preview for a picked contact: the name bold, "oferta" italic, in the chat bubble.
    await page.locator("#preview-search").fill("Ana3");
    await until(
      async () => (await page.getByTestId("preview-contact").locator("option").count()) === 2,
      30_000,
      "the search",
    );
    await page.getByTestId("preview-contact").selectOption({ label: `Ana3 Souza · ${phones[3]}` });
    const bubble = page.getByTestId("chat-bubble").first();
    await until(async () => (await bubble.locator("strong").textContent()) === "Ana3", 30_000, "the bold name");
    expect(await bubble.locator("em").textContent()).toBe("oferta");
    expect(await bubble.textContent()).not.toContain("*");
    // Fixed: the warning goes, and the template is saved.
    await page.getByTestId("template-body").fill("{Olá|Oi} *{{first_name|cliente}}*, temos uma _oferta_ para você!");
    await warning.waitFor({ state: "detached", timeout: 30_000 });
    await page.getByTestId("save-template").click();
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    templateId = page.url().split("/").at(-1) ?? "";
    const saved = await call("GET", org(`/templates/${templateId}`), marketer);
    expect(saved.body).toMatchObject({ name: "Boas-vindas", warnings: [] });
    await ctx.close();
  });

  it("builds the campaign in the wizard: the refusal disables Start, the dry run shows who, which number, when; starts it", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("marketer"), PASSWORD, "/campaigns");
    await page.getByTestId("new-campaign").click();
    await page.locator("#campaign-name").fill("Oferta e2e");
    await page.locator('[data-testid="audience-list"][data-name="Clientes e2e"]').check();
    await page.getByTestId("wizard-next").click();
    // First the template whose variable nobody has.
    await page.locator('[data-testid="template-option"][data-name="Com cupom"]').check();
    await page.getByTestId("wizard-next").click();
    for (const name of ["sender-1", "sender-2"])
      await page.locator(`[data-testid="sender-option"][data-name="${name}"]`).check();
    // Just paired: warm-up (day 1) caps each number at 20 a day, until warm-up is turned off in the pace step.
    await until(
      async () => (await page.getByTestId("sender-budget").first().textContent())?.includes("of 20 left today"),
      30_000,
      "budgets",
    );
    await page.getByTestId("wizard-next").click();
    await page.getByTestId("any-time").check();
    await page.getByTestId("quiet-hours").uncheck();
    await page.getByTestId("wizard-next").click();
    // A compressed profile: under a second between messages per number.
    await page.getByTestId("pace-custom").check();
    for (const [k, v] of Object.entries({
      gapMin: "0.5",
      gapMax: "1",
      everyMin: "50",
      everyMax: "60",
      breakMin: "1",
      breakMax: "2",
    }))
      await page.getByTestId(`pace-${k}`).fill(v);
    await page.getByTestId("warmup").uncheck();
    expect(await page.getByTestId("pace-summary").textContent()).toMatch(/0\.5.*1 sec/);
    await page.getByTestId("wizard-next").click();
    const refusal = page.locator('[data-testid="start-refusals"] [data-code="unknown_variable"]');
    await refusal.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("start-campaign").isDisabled()).toBe(true);
    await screenshot(page, "campaign-refused-light-en.png");
    // Back to the message step, the good template, and review again.
    await page.getByRole("button", { name: /Message/ }).click();
    await page.locator('[data-testid="template-option"][data-name="Boas-vindas"]').check();
    await page.getByRole("button", { name: /Review and start/ }).click();
    await page.getByTestId("dry-run-row").first().waitFor({ timeout: 60_000 });
    await page.getByTestId("start-refusals").waitFor({ state: "detached", timeout: 30_000 });
    const rows = await until(
      async () => {
        const r = await page.getByTestId("dry-run-row").allTextContents();
        return r.length > 1 && r.every((x) => x.includes("oferta")) ? r : undefined;
      },
      30_000,
      "the dry run of the good template",
    );
    expect(rows.length).toBeGreaterThan(1);
    expect(
      rows.every((r) => /\+5511977/.test(r) && /sender-[12]/.test(r) && /Ana\d+/.test(r) && r.includes("oferta")),
    ).toBe(true);
    expect(rows.some((r) => r.includes("sender-1")) && rows.some((r) => r.includes("sender-2"))).toBe(true);
    await until(async () => page.getByTestId("start-campaign").isEnabled(), 30_000, "Start enabled");
    await page.getByTestId("start-campaign").click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    campaignId = page.url().split("/").at(-1) ?? "";
    await page.locator('[data-testid="campaign-status"][data-status="running"]').waitFor({ timeout: 30_000 });
    await noReload(page);

    // Pause from the page while it runs: the numbers stop (at most the message each had in hand).
    await page.getByTestId("pause-campaign").click();
    await page.getByTestId("confirm-action").click();
    await page.locator('[data-testid="campaign-status"][data-status="paused"]').waitFor({ timeout: 30_000 });
    const atPause = received().length;
    expect(atPause).toBeLessThan(RECIPIENTS);
    // Nothing more goes while paused: wait for each number's next step to have passed, then compare.
    await until(
      async () => (await call("GET", org(`/campaigns/${campaignId}/stats`), marketer)).body.counts.sending === 0,
      30_000,
      "no send in flight",
    );
    const settled = received().length;
    expect(settled - atPause).toBeLessThanOrEqual(ACCOUNTS.length);
    await page.getByTestId("resume-campaign").click();
    await page.getByTestId("confirm-action").click();
    await page
      .locator('[data-testid="campaign-status"]:is([data-status="running"],[data-status="completed"])')
      .waitFor({ timeout: 30_000 });

    // The live view counts up to what the contacts' phones really received, without a reload.
    await until(() => received().length === RECIPIENTS, 180_000, "every contact received the message");
    await until(async () => (await value(page, "reached")) === RECIPIENTS, 60_000, "the live count reaching the total");
    await until(async () => (await value(page, "count-queued")) === 0, 30_000, "nothing left waiting");
    const byAccount = ACCOUNTS.map((a) => stack.sim.groundTruth.messages({ account: a }).length);
    const perSender = await page
      .getByTestId("sender-sent")
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value"))));
    expect(perSender.sort()).toEqual(byAccount.sort());
    expect(new Set(received().map((m) => m.contact)).size).toBe(RECIPIENTS);
    expect(received().every((m) => m.text?.includes("oferta"))).toBe(true);
    await page.locator('[data-testid="campaign-status"][data-status="completed"]').waitFor({ timeout: 60_000 });
    // The phones' receipts arrive live in the activity card.
    await page.locator('[data-testid="activity"] li:is([data-kind="delivered"],[data-kind="read"])').first().waitFor();
    expect(await stillNoReload(page)).toBe(true);
    // The report: one line per recipient.
    const csv = await page.evaluate(
      async (href) => (await fetch(href)).text(),
      (await page.getByTestId("report-csv").getAttribute("href")) ?? "",
    );
    expect(csv.trim().split(/\r?\n/)).toHaveLength(RECIPIENTS + 1);
    await ctx.close();
  }, 480_000);

  it("a viewer reads the campaign and its template but gets no control", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("viewer"), PASSWORD, "/campaigns");
    await page.locator('[data-testid="campaign-row"][data-campaign="Oferta e2e"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("new-campaign").count()).toBe(0);
    await page.goto(`${stack.dashboardUrl}/campaigns/${campaignId}`);
    await page.getByTestId("reached").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("pause-campaign").count()).toBe(0);
    expect(await page.getByTestId("cancel-campaign").count()).toBe(0);
    await page.goto(`${stack.dashboardUrl}/templates/${templateId}`);
    await page.locator("#template-name").waitFor({ timeout: 30_000 });
    expect(await page.locator("#template-name").isDisabled()).toBe(true);
    expect(await page.getByTestId("save-template").count()).toBe(0);
    // A new template is not theirs to write: the page says so instead of an editor that cannot save.
    await page.goto(`${stack.dashboardUrl}/templates/new`);
    await page.getByTestId("cannot-create").waitFor({ timeout: 30_000 });
    expect(await page.locator("#template-name").count()).toBe(0);
    await ctx.close();
  });

  it("the review paces the first sends as the engine does, not all at once when quiet hours end", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, stack.dashboardUrl, stack.email("marketer"), PASSWORD, "/campaigns");
    await page.getByTestId("new-campaign").click();
    await page.locator("#campaign-name").fill("Ritmo e2e");
    await page.locator('[data-testid="audience-list"][data-name="Clientes e2e"]').check();
    await page.getByTestId("wizard-next").click();
    await page.locator('[data-testid="template-option"][data-name="Boas-vindas"]').check();
    await page.getByTestId("wizard-next").click();
    for (const name of ["sender-1", "sender-2"])
      await page.locator(`[data-testid="sender-option"][data-name="${name}"]`).check();
    await page.getByTestId("wizard-next").click();
    // Quiet hours (the recipients' São Paulo clock) from an hour ago to an hour from now: every send waits for them.
    await page.getByTestId("any-time").check();
    await page.getByTestId("quiet-hours").check();
    const now = Date.now();
    const hhmm = (ms: number) =>
      new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", minute: "2-digit" }).format(
        ms,
      );
    await page.getByLabel("Quiet hours start").fill(hhmm(now - 3_600_000));
    await page.getByLabel("Quiet hours end").fill(hhmm(now + 3_600_000));
    await page.getByTestId("wizard-next").click();
    // The standard profile (40 to 90 s between messages); warm-up off so the caps hold nothing.
    await page.getByTestId("warmup").uncheck();
    await page.getByTestId("wizard-next").click();
    const rows = await until(
      async () => {
        const r = page.getByTestId("dry-run-row");
        const n = await r.count();
        if (n < 4) return undefined;
        const all = await Promise.all(
          Array.from({ length: n }, async (_, i) => ({
            at: Date.parse((await r.nth(i).getAttribute("data-at")) ?? ""),
            sender: (await r.nth(i).getAttribute("data-instance")) ?? "",
          })),
        );
        return all.every((x) => Number.isFinite(x.at)) ? all : undefined;
      },
      60_000,
      "the dry run",
    );
    const senders = new Set(rows.map((x) => x.sender));
    expect(senders.size).toBe(2);
    const quietEnd = now + 3_600_000 - 60_000;
    for (const sender of senders) {
      const times = rows.filter((x) => x.sender === sender).map((x) => x.at);
      expect(times.length).toBeGreaterThan(1);
      // Each number starts when the quiet hours end, then one message at a time at least the least gap apart.
      expect(times.every((t) => t >= quietEnd)).toBe(true);
      for (const [i, t] of times.slice(1).entries()) expect(t - (times[i] ?? 0)).toBeGreaterThanOrEqual(40_000);
    }
    // The two numbers send side by side: each one's first send at the quiet hours' end, not one after the other.
    const firsts = [...senders].map((sender) => Math.min(...rows.filter((x) => x.sender === sender).map((x) => x.at)));
    expect(Math.abs((firsts[0] ?? 0) - (firsts[1] ?? 0))).toBeLessThan(1_000);

    // Saved as a draft by the review, it could be discarded from here.
    expect(await page.getByTestId("delete-campaign").count()).toBe(1);
    // Started, the live page says why each number waits, next to when it will send.
    await until(async () => page.getByTestId("start-campaign").isEnabled(), 30_000, "Start enabled");
    await page.getByTestId("start-campaign").click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const held = await until(
      async () => {
        const r = await page.getByTestId("sender-held-by").allTextContents();
        return r.length === 2 ? r : undefined;
      },
      60_000,
      "both numbers saying what holds them",
    );
    expect(held).toEqual(["their quiet hours", "their quiet hours"]);
    const id = page.url().split("/").at(-1) ?? "";
    expect((await call("POST", org(`/campaigns/${id}/cancel`), marketer, {})).body.status).toBe("cancelled");
    // Cancelled, it can go: asked first, then back to the list without it.
    await page.reload();
    await page.getByTestId("delete-campaign").click();
    await page.getByTestId("confirm-delete").click();
    await page.waitForURL(/\/campaigns$/, { timeout: 30_000 });
    await page.getByTestId("campaign-row").first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="campaign-row"][data-campaign="Ritmo e2e"]').count()).toBe(0);
    expect((await call("GET", org(`/campaigns/${id}`), marketer)).status).toBe(404);
    await ctx.close();
  });
});

describe("the marketer's pages in both languages", () => {
  for (const look of [
    { locale: "en", theme: "light" },
    { locale: "pt-BR", theme: "dark" },
  ] as const) {
    it(`${look.locale}: no serious accessibility violation${look.locale === "pt-BR" ? ", no English left" : ""}`, async () => {
      const ctx = await newContext(browser, look);
      const page = await ctx.newPage();
      const problems: string[] = [];
      const leftovers = englishOnly(en, ptBR);
      const draft = await call("POST", org("/campaigns"), marketer, {
        name: `Rascunho ${look.locale}`,
        templateId,
        audience: { listIds: [listId], segmentIds: [] },
        senderIds: ((await call("GET", org("/instances"), marketer)).body.items as Json[]).map((i) => i.id),
      });
      expect(draft.status, JSON.stringify(draft.body)).toBe(201);
      const pages = [
        { name: "templates", path: "/templates", ready: '[data-testid="template-card"]' },
        { name: "template-editor", path: `/templates/${templateId}`, ready: '[data-testid="chat-bubble"]' },
        { name: "template-new", path: "/templates/new", ready: "#template-body" },
        { name: "campaigns", path: "/campaigns", ready: '[data-testid="campaign-row"]' },
        { name: "campaign-wizard", path: "/campaigns/new", ready: '[data-testid="audience-list"]' },
        { name: "campaign-draft", path: `/campaigns/${draft.body.id}`, ready: '[data-testid="review-period"]' },
        { name: "campaign-live", path: `/campaigns/${campaignId}`, ready: '[data-testid="sender-row"]' },
      ];
      await signIn(page, stack.dashboardUrl, stack.email("marketer"), PASSWORD, "/templates");
      for (const p of pages) {
        await page.goto(`${stack.dashboardUrl}${p.path}`);
        await page.locator(p.ready).first().waitFor({ timeout: 30_000 });
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await screenshot(page, `${p.name}-${look.theme}-${look.locale}.png`);
        for (const v of await seriousViolations(page)) problems.push(`${p.name}: ${v}`);
        // A phone screen: nothing scrolls sideways.
        const overflow = await phoneOverflow(page);
        if (overflow > 1) problems.push(`${p.name}: ${overflow}px wider than a 375px screen`);
        if (look.locale === "pt-BR") {
          for (const s of await untranslated(page, leftovers)) problems.push(`${p.name}: untranslated "${s}"`);
        }
      }
      // Every wizard step of the draft, by keyboard-reachable step buttons, checked too. A complete draft reopens at
      // its review (above); the other steps are a click away.
      await page.goto(`${stack.dashboardUrl}/campaigns/${draft.body.id}`);
      await page.locator('[data-testid="review-period"]').waitFor({ timeout: 30_000 });
      for (const step of ["audience", "template", "senders", "schedule", "pacing"] as const) {
        const label = (look.locale === "en" ? en : ptBR) as { campaignWizard: { step: Record<string, string> } };
        await page.getByRole("button", { name: label.campaignWizard.step[step] }).click();
        await page.locator("#wizard-step-title").filter({ hasText: label.campaignWizard.step[step] }).waitFor();
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await screenshot(page, `wizard-${step}-${look.theme}-${look.locale}.png`);
        for (const v of await seriousViolations(page)) problems.push(`wizard ${step}: ${v}`);
      }
      expect(problems).toEqual([]);
      await ctx.close();
    }, 480_000);
  }
});
