/**
 * The inbox and the overview in headless Chromium against the whole stack (orchestrator, a worker with real Baileys,
 * wa-sim): a virtual contact writes and the conversation appears live; a marketer answers from the inbox and the
 * contact receives it (wa-sim's record); a reaction, an edit and a deletion show live; notes, tags, assignment and
 * status round-trip through the API; "PARAR" blacklists the contact and the conversation says so; the overview shows the day's figures as the API counts them;
 * erasing the contact takes its open conversation off the screen live.
 * axe-core on every page added here, in both languages (screenshots with MIRAGE_E2E_SCREENSHOTS=1: browser.ts).
 */
import { existsSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchBrowser, newContext, screenshot, seriousViolations, signIn } from "./browser";
import { jsonCall, pageApi } from "./calls";
import { PASSWORD, type Stack, startStack } from "./stack";

let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;
const suffix = String(Date.now() % 10_000).padStart(4, "0");
const ACCOUNT = `5511966${suffix}01`;
const CONTACT = `5511955${suffix}02`;
const CONTACT_E164 = `+${CONTACT}`;
let marketer: BrowserContext;
let page: Page;
let conversationId = "";

const control = (method: string, route: string, body?: unknown) =>
  jsonCall(method, `${stack.control.url}${route}`, { body });

/** The contact writes to the paired number through wa-sim's control API. */
async function contactSays(text: string): Promise<void> {
  const res = await control("POST", `/contacts/${CONTACT}/messages`, { to: ACCOUNT, text });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const item = (p: Page) => p.locator(`[data-testid="conversation-item"][data-peer="${CONTACT_E164}"]`);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: ./mirage test installs Debian's chromium`);
  stack = await startStack();
  ({ browser, close: closeBrowser } = await launchBrowser());
  // An operator pairs a number the way people do: the QR on the page, scanned by the virtual phone.
  const ctx = await newContext(browser);
  const op = await ctx.newPage();
  await signIn(op, stack.dashboardUrl, stack.email("operator"), PASSWORD);
  await op.getByTestId("add-number").first().click();
  await op.locator("#instance-name").fill("inbox-e2e");
  await op.locator('[role="dialog"] button[type="submit"]').click();
  const img = op.locator("img[data-qr]:not([data-qr=''])");
  await img.waitFor({ timeout: 60_000 });
  const scan = await control("POST", `/accounts/${ACCOUNT}/scan`, { qr: await img.getAttribute("data-qr") });
  expect(scan.status, JSON.stringify(scan.body)).toBeLessThan(300);
  // Sized for a loaded 2-core machine: the handshake through wa-sim and Baileys takes seconds when idle.
  await op.getByTestId("pair-success").waitFor({ timeout: 120_000 });
  await ctx.close();
  await control("PUT", `/contacts/${CONTACT}`, { name: "Ana Inbox" });
  marketer = await newContext(browser);
  page = await marketer.newPage();
});

afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

describe("inbox", () => {
  it("a message from a virtual contact appears in the marketer's inbox live, without a reload", async () => {
    await signIn(page, stack.dashboardUrl, stack.email("marketer"), PASSWORD, "/inbox");
    await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await page.getByTestId("inbox-empty").waitFor({ timeout: 30_000 });
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    const sentAt = Date.now();
    await contactSays("Oi! Quanto custa o plano anual?");
    await item(page).waitFor({ timeout: 30_000 });
    process.stdout.write(`inbox: contact's message → on screen in ${Date.now() - sentAt} ms\n`);
    expect(await item(page).getAttribute("data-unread")).toBe("1");
    expect(await item(page).textContent()).toContain("Ana Inbox");
    expect(await item(page).textContent()).toContain("Quanto custa o plano anual?");
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  it("the marketer answers from the inbox; wa-sim's contact receives it and the ticks follow the receipts", async () => {
    await item(page).locator("a").click();
    await page.getByTestId("conversation").waitFor({ timeout: 30_000 });
    conversationId = new URL(page.url()).pathname.split("/").pop() ?? "";
    // Opening it reads it.
    await expect.poll(() => item(page).getAttribute("data-unread"), { timeout: 15_000 }).toBe("0");
    const text = "O plano anual sai por R$ 99. Quer o link?";
    await page.getByTestId("composer-text").fill(text);
    await page.keyboard.press("Enter");
    await expect
      .poll(
        async () => {
          const got = await control("GET", `/contacts/${CONTACT}/messages?account=${ACCOUNT}`);
          return (got.body as { text?: string }[]).map((m) => m.text);
        },
        { timeout: 60_000, interval: 500 },
      )
      .toContain(text);
    await page
      .locator('[data-testid="item-outbound"]:is([data-state="delivered"], [data-state="read"])')
      .waitFor({ timeout: 30_000 });
    const messages = await pageApi<{ items: { kind: string; text: string; authorId: string }[] }>(
      page,
      `/orgs/${stack.org.orgId}/conversations/${conversationId}/messages`,
    );
    expect(messages.body.items.find((i) => i.kind === "outbound")).toMatchObject({
      text,
      authorId: stack.org.users.marketer.id,
    });
  });

  it("quoted replies: the contact's quote shows above its reply, and the marketer answers quoting a message", async () => {
    const timeline = await pageApi<{ items: { kind: string; waMessageId: string | null }[] }>(
      page,
      `/orgs/${stack.org.orgId}/conversations/${conversationId}/messages`,
    );
    const offer = timeline.body.items.find((i) => i.kind === "outbound")?.waMessageId;
    expect(offer).toBeTruthy();
    const said = await control("POST", `/contacts/${CONTACT}/messages`, {
      to: ACCOUNT,
      text: "Quero sim!",
      quote: offer,
    });
    expect(said.status, JSON.stringify(said.body)).toBe(201);
    const answer = page.locator('[data-testid="item-inbound"]', { hasText: "Quero sim!" });
    await answer.getByTestId("quoted").waitFor({ timeout: 30_000 });
    expect(await answer.getByTestId("quoted").textContent()).toContain("O plano anual sai por R$ 99");

    await answer.getByTestId("reply-to").click();
    const quote = page.getByTestId("composer-quote");
    await quote.waitFor();
    expect(await quote.textContent()).toContain("Quero sim!");
    // Dropped with ✕, chosen again, then sent with the reply.
    await page.getByTestId("cancel-quote").click();
    await quote.waitFor({ state: "detached" });
    await answer.getByTestId("reply-to").click();
    await page.getByTestId("composer-text").fill("Perfeito, segue o link.");
    await page.keyboard.press("Enter");
    await quote.waitFor({ state: "detached", timeout: 15_000 });
    await expect
      .poll(
        async () => {
          const got = await control("GET", `/contacts/${CONTACT}/messages?account=${ACCOUNT}`);
          const m = (got.body as { text?: string; quoted?: { id: string; text?: string } }[]).find(
            (x) => x.text === "Perfeito, segue o link.",
          );
          return m?.quoted?.text;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe("Quero sim!");
    await page
      .locator('[data-testid="item-outbound"]', { hasText: "Perfeito, segue o link." })
      .getByTestId("quoted")
      .waitFor({ timeout: 15_000 });
  });

  it("a voice note shows as one in the conversation and in the list's preview", async () => {
    const said = await control("POST", `/contacts/${CONTACT}/messages`, { to: ACCOUNT, media: "voice" });
    expect(said.status, JSON.stringify(said.body)).toBe(201);
    await page
      .locator('[data-testid="item-inbound"] [data-testid="media"][data-media="voice"]')
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => item(page).textContent(), { timeout: 15_000 }).toContain("🎤");
  });

  it("a reaction, an edit and a deletion show live as WhatsApp shows them; the marketer reacts back", async () => {
    const said = await control("POST", `/contacts/${CONTACT}/messages`, { to: ACCOUNT, text: "quero 1 caixa" });
    const id = (said.body as { id: string }).id;
    await page.locator('[data-testid="item-inbound"]', { hasText: "quero 1 caixa" }).waitFor({ timeout: 30_000 });
    const act = (body: object) => control("POST", `/contacts/${CONTACT}/actions`, { to: ACCOUNT, ...body });
    expect((await act({ kind: "edit", messageId: id, text: "quero 2 caixas" })).status).toBe(201);
    const edited = page.locator('[data-testid="item-inbound"]', { hasText: "quero 2 caixas" });
    await edited.getByTestId("edited").waitFor({ timeout: 30_000 });
    // The marketer reacts 👍 from the inbox: the contact's phone gets it, and the message shows it.
    await edited.getByTestId("react").click();
    await page.locator('[data-emoji="👍"]').click({ timeout: 30_000 });
    await edited.getByTestId("my-reaction").filter({ hasText: "👍" }).waitFor({ timeout: 30_000 });
    await expect
      .poll(
        async () => {
          const got = await control("GET", `/contacts/${CONTACT}/messages?account=${ACCOUNT}`);
          return (got.body as { reaction?: { id: string; emoji: string } }[]).some(
            (m) => m.reaction?.id === id && m.reaction.emoji === "👍",
          );
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect((await act({ kind: "reaction", messageId: id, emoji: "🙏" })).status).toBe(201);
    await page.locator('[data-testid="reaction"]', { hasText: "🙏" }).waitFor({ timeout: 30_000 });
    expect((await act({ kind: "delete", messageId: id })).status).toBe(201);
    await page.locator('[data-testid="deleted"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="item-inbound"]', { hasText: "quero 2 caixas" }).count()).toBe(0);
  });

  it("notes, tags, assignment and closing round-trip through the API and survive a reload", async () => {
    await page.getByTestId("mode-note").click();
    await page.getByTestId("composer-text").fill("Cliente quer desconto; retornar amanhã");
    await page.getByTestId("composer-send").click();
    await page.locator('[data-testid="item-note"]', { hasText: "retornar amanhã" }).waitFor({ timeout: 15_000 });
    await page.getByTestId("add-tag").fill("vip");
    await page.getByTestId("add-tag").press("Enter");
    await page.locator('[data-testid="tag"]', { hasText: "#vip" }).waitFor({ timeout: 15_000 });
    await page.getByTestId("assignee").selectOption(stack.org.users.marketer.id);
    await page.getByTestId("toggle-status").click();
    await page.locator('[data-testid="conversation"][data-status="closed"]').waitFor({ timeout: 15_000 });

    const conv = await pageApi<{ tags: string[]; assignedTo: string | null; status: string }>(
      page,
      `/orgs/${stack.org.orgId}/conversations/${conversationId}`,
    );
    expect(conv.body).toMatchObject({ tags: ["vip"], assignedTo: stack.org.users.marketer.id, status: "closed" });
    const timeline = await pageApi<{ items: { kind: string; text: string }[] }>(
      page,
      `/orgs/${stack.org.orgId}/conversations/${conversationId}/messages`,
    );
    expect(timeline.body.items.filter((i) => i.kind === "note").map((i) => i.text)).toEqual([
      "Cliente quer desconto; retornar amanhã",
    ]);

    await page.reload();
    await page.getByTestId("conversation").waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="tag"]', { hasText: "#vip" }).waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId("assignee").inputValue(), { timeout: 15_000 })
      .toBe(stack.org.users.marketer.id);
    // Closed conversations leave the default "open" list; "closed" shows it.
    await page.getByTestId("filter-closed").click();
    await item(page).waitFor({ timeout: 15_000 });
    await page.getByTestId("toggle-status").click();
    await page.locator('[data-testid="conversation"][data-status="open"]').waitFor({ timeout: 15_000 });
    await page.getByTestId("filter-open").click();
    await item(page).waitFor({ timeout: 15_000 });
  });

  it('"PARAR" blacklists the contact: the conversation shows it live, replies are off, the API lists the entry', async () => {
    await contactSays("PARAR");
    await expect
      .poll(
        async () =>
          (await pageApi<{ blacklisted: boolean }>(page, `/orgs/${stack.org.orgId}/conversations/${conversationId}`))
            .body.blacklisted,
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    await page.getByTestId("opted-out").waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="item-inbound"]', { hasText: "PARAR" }).getByTestId("opt-out-reply").waitFor();
    await page.getByTestId("mode-reply").click();
    await page.getByTestId("reply-blocked").waitFor();
    expect(await page.getByTestId("composer-text").isDisabled()).toBe(true);
    expect(await item(page).textContent()).toContain("PARAR");
    const blacklist = await pageApi<{ items: { phone: string | null; source: string }[] }>(
      page,
      `/orgs/${stack.org.orgId}/blacklist`,
    );
    expect(blacklist.body.items).toContainEqual(expect.objectContaining({ phone: CONTACT_E164, source: "opt_out" }));
  });

  it("a reply to a campaign says which campaign it answers, with a link to it", async () => {
    // The campaign engine is another page's: the link is what the inbox owes, so the reply is tied to one in SQL.
    const [campaign] = await stack.t.admin<{ id: string }[]>`
      insert into public.campaigns (org_id, name, status) values (${stack.org.orgId}, 'Plano anual e2e', 'running')
      returning id`;
    await stack.t.admin`update public.inbound_messages set campaign_id = ${campaign?.id ?? null}
      where org_id = ${stack.org.orgId} and body = 'Oi! Quanto custa o plano anual?'`;
    await page.reload();
    const link = page.locator('[data-testid="item-inbound"]', { hasText: "plano anual?" }).getByTestId("campaign-link");
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute("href")).toBe(`/campaigns/${campaign?.id}`);
    await expect.poll(() => link.textContent(), { timeout: 15_000 }).toContain("Plano anual e2e");
    // The campaign's "read the replies" lands on the inbox filtered to them; ✕ shows every conversation again.
    await page.goto(`${stack.dashboardUrl}/inbox?status=all&campaign=${campaign?.id}`);
    const chip = page.getByTestId("campaign-filter");
    await expect.poll(() => chip.textContent(), { timeout: 30_000 }).toContain("Plano anual e2e");
    await item(page).waitFor({ timeout: 15_000 });
    await page.getByTestId("clear-campaign-filter").click();
    await chip.waitFor({ state: "detached" });
    expect(new URL(page.url()).search).toBe("?status=all");
  });

  it("a viewer reads the conversation but gets no reply box; the API refuses a viewer's reply", async () => {
    const ctx = await newContext(browser);
    const viewer = await ctx.newPage();
    await signIn(viewer, stack.dashboardUrl, stack.email("viewer"), PASSWORD, `/inbox/${conversationId}`);
    await viewer.getByTestId("conversation").waitFor({ timeout: 30_000 });
    expect(await viewer.getByTestId("composer").count()).toBe(0);
    expect(await viewer.getByTestId("assignee").isDisabled()).toBe(true);
    const status = await viewer.evaluate(
      async ([orgId, id]) =>
        (
          await fetch(`/api/v1/orgs/${orgId}/conversations/${id}/messages`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ text: "x" }),
          })
        ).status,
      [stack.org.orgId, conversationId] as const,
    );
    expect(status).toBe(403);
    await ctx.close();
  });
});

describe("overview", () => {
  it("shows the day's figures as the API counts them, and is where signing in lands", async () => {
    const ctx = await newContext(browser);
    const p = await ctx.newPage();
    await p.goto(`${stack.dashboardUrl}/sign-in`);
    await p.locator("#email").fill(stack.email("marketer"));
    await p.locator("#password").fill(PASSWORD);
    await p.locator('button[type="submit"]').click();
    await p.waitForURL((u) => u.pathname === "/overview", { timeout: 60_000 });
    await p.getByTestId("today").waitFor({ timeout: 30_000 });
    const stats = await pageApi<{ days: { sent: number; delivered: number; read: number; replied: number }[] }>(
      p,
      `/orgs/${stack.org.orgId}/stats/daily?days=14`,
    );
    const today = stats.body.days.at(-1);
    // One reply sent from the inbox and delivered; the contact's "PARAR" answered it.
    expect(today?.sent).toBeGreaterThanOrEqual(1);
    expect(today?.delivered).toBeGreaterThanOrEqual(1);
    expect(today?.replied).toBeGreaterThanOrEqual(1);
    for (const key of ["sent", "delivered", "replied"] as const) {
      await expect
        .poll(async () => Number(await p.getByTestId(`today-${key}`).getAttribute("data-value")), { timeout: 15_000 })
        .toBe(today?.[key]);
    }
    await p.locator("main figure").waitFor({ timeout: 30_000 });
    expect(await p.locator('[data-testid="all-good"], [data-testid="attention"]').count()).toBe(1);
    await p.locator('[data-testid="active-campaigns"] a', { hasText: "Plano anual e2e" }).waitFor({ timeout: 15_000 });
    await ctx.close();
  });
});

describe("accessibility and both languages", () => {
  for (const locale of ["en", "pt-BR"] as const) {
    it(`${locale}: no serious accessibility violation on the inbox, a conversation and the overview`, async () => {
      const ctx = await newContext(browser, { locale, theme: "light" });
      const p = await ctx.newPage();
      const problems: string[] = [];
      await signIn(p, stack.dashboardUrl, stack.email("marketer"), PASSWORD, "/overview");
      const pages = [
        { name: "overview", path: "/overview", ready: "today" },
        { name: "inbox", path: "/inbox", ready: "conversation-list" },
        { name: "conversation", path: `/inbox/${conversationId}`, ready: "timeline" },
      ];
      for (const look of [
        { width: 1280, height: 860, tag: "" },
        { width: 375, height: 760, tag: "-phone" },
      ]) {
        await p.setViewportSize({ width: look.width, height: look.height });
        for (const pg of pages) {
          await p.goto(`${stack.dashboardUrl}${pg.path}`);
          await p.getByTestId(pg.ready).waitFor({ timeout: 30_000 });
          await p.waitForLoadState("networkidle").catch(() => undefined);
          await screenshot(p, `${pg.name}${look.tag}-${locale}.png`);
          for (const v of await seriousViolations(p)) problems.push(`${pg.name}${look.tag}: ${v}`);
          const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 1) problems.push(`${pg.name}${look.tag}: ${overflow}px wider than the screen`);
          expect(await p.evaluate(() => document.documentElement.lang)).toBe(locale);
        }
      }
      expect(problems).toEqual([]);
      await ctx.close();
    });
  }
});

describe("erasure", () => {
  it("erasing the contact takes its open conversation off the inbox live: back to the list, without a reload", async () => {
    await page.goto(`${stack.dashboardUrl}/inbox/${conversationId}`);
    await page.getByTestId("timeline").waitFor({ timeout: 30_000 });
    await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await item(page).waitFor({ timeout: 15_000 });
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    // Erased from another tab (the contact's page would do the same call); the open inbox must learn it by itself.
    const ctx = await newContext(browser);
    const other = await ctx.newPage();
    await signIn(other, stack.dashboardUrl, stack.email("marketer"), PASSWORD, "/overview");
    const base = `/orgs/${stack.org.orgId}`;
    const conv = await pageApi<{ contactId: string | null }>(other, `${base}/conversations/${conversationId}`);
    // A contact who only ever wrote may have no contact row yet: the erasure starts from one.
    const found = await pageApi<{ items: { id: string }[] }>(other, `${base}/contacts?q=${CONTACT_E164.slice(1)}`);
    const contactId =
      conv.body.contactId ??
      found.body.items[0]?.id ??
      (await pageApi<{ id: string }>(other, `${base}/contacts`, { phone: CONTACT_E164 })).body.id;
    const erased = await pageApi<{ deleted: { conversations: number } }>(
      other,
      `${base}/contacts/${contactId}/erase`,
      {},
    );
    await ctx.close();
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.deleted.conversations).toBe(1);
    await item(page).waitFor({ state: "detached", timeout: 30_000 });
    await page.waitForURL((u) => u.pathname === "/inbox", { timeout: 15_000 });
    expect(await page.getByTestId("conversation").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });
});
