/**
 * The marketer's audience pages in headless Chromium against the whole stack: a CSV in the Brazilian Excel form
 * (Windows-1252 with accents, `;`, CRLF, bad lines) imported through the wizard (detection and preview shown,
 * rejected lines with their numbers, contacts in the table), a segment whose live count matches the API, the
 * blacklist with each entry's source, "Export CSV" of the filtered contacts (the downloaded file read back), LGPD
 * erasure from the contact page (its dialog in Portuguese too), "select all N matching" added to a list,
 * a contact's custom fields edited, a viewer without write buttons, axe-core
 * on every page in both locales (screenshots with MIRAGE_E2E_SCREENSHOTS=1: browser.ts).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import enAudience from "../messages/en/audience.json";
import { CHROMIUM, type Look, launchBrowser, newContext, screenshot, seriousViolations, signIn } from "./browser";
import { pageApi } from "./calls";
import { PASSWORD, type Stack, startStack } from "./stack";

let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;

// What Excel in Brazil writes: Windows-1252 (every accent here is in Latin-1's range, so "latin1" encodes it the
// same), `;` between cells, CRLF. Lines 4 and 6 have no possible number; line 8 is José again, his number written
// another way (merged into line 2).
const CSV = Buffer.from(
  [
    "Nome;Celular;Cidade;Etiquetas",
    "José da Conceição;(11) 98765-1001;São Paulo;vip",
    "Maria Antônia;11 98765-1002;Guarulhos;lead",
    "Pedro;abc;Niterói;",
    "Lúcia Araújo;+55 (31) 9 9123-1003;Belo Horizonte;vip",
    "Fábio;12345;;",
    "João Müller;(21) 99876-1004;Rio de Janeiro;lead",
    "José da Conceição;+55 11 98765-1001;;vip",
    "",
  ].join("\r\n"),
  "latin1",
);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: ./mirage test installs Debian's chromium`);
  stack = await startStack();
  await stack.t.admin`update public.organizations set default_country = 'BR' where id = ${stack.org.orgId}`;
  ({ browser, close: closeBrowser } = await launchBrowser());
});

afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

async function signedIn(role: "marketer" | "viewer", look?: Look, next = "/contacts"): Promise<Page> {
  const ctx = await newContext(browser, look);
  const page = await ctx.newPage();
  await signIn(page, stack.dashboardUrl, stack.email(role), PASSWORD, next);
  return page;
}

const rows = (page: Page) => page.getByTestId("contact-row");

describe("audience", () => {
  it("a marketer imports a Windows-1252 ';' file through the wizard: detection, preview, rejected lines, contacts in the table", async () => {
    const page = await signedIn("marketer");
    await page.getByText("No contacts yet").waitFor();
    await page.getByTestId("import-action").click();
    await page.waitForURL(/\/contacts\/import$/);
    // The import is the Import action's page, not the Contacts tab's.
    expect(
      await page.getByRole("navigation", { name: "Audience sections" }).locator('[aria-current="page"]').count(),
    ).toBe(0);
    expect(await page.getByTestId("import-action").getAttribute("aria-current")).toBe("page");
    await page.getByTestId("import-file").setInputFiles({ name: "clientes.csv", mimeType: "text/csv", buffer: CSV });

    // What was detected, and the first rows as they will be stored.
    const encoding = page.getByTestId("detected-encoding");
    await encoding.waitFor({ timeout: 30_000 });
    expect(await encoding.inputValue()).toBe("windows-1252");
    expect(await encoding.locator("option:checked").textContent()).toContain("(detected)");
    expect(await page.getByTestId("detected-delimiter").inputValue()).toBe(";");
    const preview = page.getByTestId("import-preview");
    const first = preview.locator('[data-line="2"]');
    expect(await first.getAttribute("data-ok")).toBe("1");
    expect(await first.textContent()).toContain("José da Conceição");
    expect(await first.textContent()).toContain("+5511987651001");
    expect(await first.textContent()).toContain("cidade: São Paulo");
    expect(await preview.locator('[data-line="4"]').getAttribute("data-ok")).toBe("0");
    expect(await preview.locator('[data-line="4"]').textContent()).toContain("abc");
    expect(await page.locator('select[data-column="Etiquetas"]').inputValue()).toBe("tags");
    // The repeated number is flagged before importing, with the line it merges into.
    expect(await preview.locator('[data-line="8"]').getAttribute("data-warnings")).toBe("duplicate_number");
    expect(await preview.locator('[data-warnings-for="8"]').textContent()).toContain(
      "Same number as line 2 (+5511987651001)",
    );

    // Tags for every contact show in the preview once typed.
    await page.locator("#import-tags").fill("planilha");
    await expect.poll(() => first.textContent(), { timeout: 15_000 }).toContain("planilha");
    await screenshot(page, "contacts-import-preview-en.png");
    await page.getByTestId("start-import").click();

    await page.getByTestId("import-done").waitFor({ timeout: 90_000 });
    expect(await page.getByTestId("import-status").getAttribute("data-status")).toBe("completed");
    const count = (k: string) => page.locator(`[data-count="${k}"]`).textContent();
    expect(await count("imported")).toBe("4");
    expect(await count("rejected")).toBe("2");
    expect(await count("merged")).toBe("1");
    const rejected = page.getByTestId("rejected-line");
    expect(await rejected.evaluateAll((els) => els.map((e) => e.getAttribute("data-line")))).toEqual(["4", "6"]);
    expect(await page.getByTestId("rejected-lines").textContent()).toMatch(/phone number/);
    // Every rejected line, in the page's language: headers and reasons from its catalog, the codes as the API wrote.
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 30_000 }),
      page.getByTestId("errors-csv").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^import-.+-errors\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const reasons = enAudience.importWizard.rejectionReason;
    expect(csv.startsWith("\uFEFFLine,Column,Value,Reason,Code\r\n")).toBe(true);
    expect(csv).toContain(`4,Celular,abc,${reasons.not_a_number},not_a_number\r\n`);
    expect(csv).toContain("6,Celular,12345,");
    await screenshot(page, "contacts-import-summary-en.png");

    await page.getByRole("link", { name: "See the contacts" }).click();
    await page.waitForURL(/\/contacts$/);
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(4);
    expect(await page.getByTestId("contacts-table").textContent()).toContain("Lúcia Araújo");
    await page.getByTestId("contacts-search").fill("Lúcia");
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(1);
    expect(await rows(page).first().getAttribute("data-phone")).toBe("+5531991231003");
    await page.context().close();
  });

  it("'Export CSV' downloads the contacts the filters match, with the page's session", async () => {
    const page = await signedIn("viewer");
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(4);
    await page.locator("#contacts-tag").fill("vip");
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(2);
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 30_000 }),
      page.getByTestId("contacts-export").click(),
    ]);
    expect(download.suggestedFilename()).toBe("contacts.csv");
    // No session in the address: the file came through a Blob (the BFF call carried the cookie).
    expect(download.url()).toMatch(/^blob:/);
    const file = await download.path();
    const csv = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^phone,name,/);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith("+5531991231003,"))).toContain("Lúcia Araújo");
    expect(csv).toContain("José da Conceição");
    expect(csv).not.toContain("Maria Antônia");
    await page.context().close();
  });

  it("builds a segment: the live count follows the edits and matches the API's count", async () => {
    const page = await signedIn("marketer", undefined, "/contacts/segments");
    await page.getByTestId("new-segment").click();
    await page.waitForURL(/\/contacts\/segments\/new$/);
    const counter = page.getByTestId("segment-count");
    await expect.poll(() => counter.getAttribute("data-count"), { timeout: 30_000 }).toBe("4");
    await page.locator("#seg-name").fill("VIPs");
    await page.getByTestId("seg-tagsAny").fill("vip");
    await expect.poll(() => counter.getAttribute("data-count"), { timeout: 30_000 }).toBe("2");
    const api = await pageApi<{ count: number }>(page, `/orgs/${stack.org.orgId}/segments/count`, {
      filter: { tagsAny: ["vip"] },
    });
    expect(api.body.count).toBe(2);
    await page.getByTestId("seg-tagsNone").fill("planilha");
    await expect.poll(() => counter.getAttribute("data-count"), { timeout: 30_000 }).toBe("0");
    await page.getByTestId("seg-tagsNone").fill("");
    await expect.poll(() => counter.getAttribute("data-count"), { timeout: 30_000 }).toBe("2");
    await page.getByTestId("save-segment").click();
    await page.waitForURL(/\/contacts\/segments$/);
    const row = page.getByTestId("segment-row");
    await row.first().waitFor();
    await expect.poll(() => row.first().textContent(), { timeout: 15_000 }).toContain("2");
    await page.context().close();
  });

  it("the blacklist shows each entry with its source; a number added by hand appears as such", async () => {
    await stack.t.admin`insert into public.blacklist (org_id, phone_e164, source, reason)
      values (${stack.org.orgId}, '+5511955550001', 'opt_out', 'replied PARE')`;
    const page = await signedIn("marketer", undefined, "/contacts/blacklist");
    const optOut = page.locator('[data-testid="blacklist-row"][data-source="opt_out"]');
    await optOut.waitFor({ timeout: 30_000 });
    expect(await optOut.textContent()).toContain("Opted out");
    expect(await optOut.textContent()).toContain("replied PARE");
    await page.getByTestId("blacklist-add").click();
    await page.locator("#bl-phone").fill("(11) 95555-0002");
    await page.locator("#bl-reason").fill("asked by phone");
    await page.keyboard.press("Enter");
    const manual = page.locator('[data-testid="blacklist-row"][data-phone="+5511955550002"]');
    await manual.waitFor({ timeout: 30_000 });
    expect(await manual.getAttribute("data-source")).toBe("manual");
    expect(await manual.textContent()).toContain("Added by hand");
    // The dialog closed itself and focus is back on the page.
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
    await page.context().close();
  });

  it("a viewer sees the audience but no write button", async () => {
    const page = await signedIn("viewer");
    await rows(page).first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("import-action").count()).toBe(0);
    await rows(page).first().locator("a").click();
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.getByText("Custom fields").first().waitFor();
    expect(await page.getByTestId("erase-contact").count()).toBe(0);
    for (const [p, testId] of [
      ["/contacts/lists", "new-list"],
      ["/contacts/segments", "new-segment"],
      ["/contacts/blacklist", "blacklist-add"],
    ] as const) {
      await page.goto(`${stack.dashboardUrl}${p}`);
      await page.locator("main h1").first().waitFor();
      await page.waitForLoadState("networkidle").catch(() => undefined);
      expect(await page.getByTestId(testId).count(), p).toBe(0);
      expect(await page.getByTestId("import-action").count(), p).toBe(0);
    }
    expect(await page.getByTestId("blacklist-import").count()).toBe(0);
    await page.context().close();
  });

  it("the erase dialog in Portuguese names the stored marker in a Portuguese sentence", async () => {
    const page = await signedIn("marketer", { locale: "pt-BR", theme: "light" });
    const row = page.locator('[data-testid="contact-row"][data-phone="+5531991231003"]');
    await row.waitFor({ timeout: 30_000 });
    await row.locator("a").click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    await page.getByTestId("erase-contact").click({ timeout: 60_000 });
    const text = (await page.getByRole("alertdialog").textContent()) ?? "";
    expect(text).toContain("substituído pelo marcador “[erased]” (apagado)");
    expect(text).not.toMatch(/por \[erased\]/);
    await page.keyboard.press("Escape");
    await page.context().close();
  });

  it("erasing a contact says what happens, then removes it", async () => {
    const page = await signedIn("marketer");
    const row = page.locator('[data-testid="contact-row"][data-phone="+5521998761004"]');
    await row.waitFor({ timeout: 30_000 });
    await row.locator("a").click();
    await page.getByTestId("erase-contact").click();
    const dialog = page.getByRole("alertdialog");
    expect(await dialog.textContent()).toContain("never contacted again");
    // Keyboard: Escape closes without erasing, the dialog opens again and the destructive button confirms.
    await page.keyboard.press("Escape");
    await page.getByTestId("erase-contact").click();
    await dialog.getByRole("button", { name: "Erase for good" }).click();
    await page.waitForURL(/\/contacts$/);
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(3);
    const [left] = await stack.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.contacts where org_id = ${stack.org.orgId} and phone_e164 = '+5521998761004'`;
    expect(left?.n).toBe(0);
    await page.context().close();
  });

  it("a marketer selects all 60 contacts matching a tag (more than a page) and adds them to a list in one go", async () => {
    const o = stack.org.orgId;
    // The next tests read the first page of contacts: these 60 leave whatever happens here.
    onTestFinished(() =>
      stack.t.admin`delete from public.contacts where org_id = ${o} and '{bulk}' <@ tags`.then(() => {}),
    );
    await stack.t.admin`
      insert into public.contacts (org_id, phone_e164, name, tags)
      select ${o}, '+55119830' || lpad(i::text, 5, '0'), 'Bulk ' || i, '{bulk}' from generate_series(1, 60) i`;
    const [list] = await stack.t.admin<{ id: string }[]>`
      insert into public.contact_lists (org_id, name) values (${o}, 'Bulk list') returning id`;
    const page = await signedIn("marketer");
    await rows(page).first().waitFor({ timeout: 30_000 });
    // The filter applies after a short debounce while the unfiltered rows stay on screen (the newest, these, first):
    // wait for the filtered page itself, not for rows that look right already.
    const filtered = page.waitForResponse((r) => /\/contacts\?(.*&)?tag=bulk(&|$)/.test(r.url()) && r.ok(), {
      timeout: 30_000,
    });
    await page.getByPlaceholder("Tag").fill("bulk");
    await filtered;
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(50);
    await page.getByTestId("contacts-select-all").check();
    const offer = page.getByTestId("select-all-matching");
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.textContent()).toBe("Select all 60 matching contacts");
    await offer.click();
    expect(await page.getByTestId("contacts-bulk").textContent()).toContain("All 60 matching contacts are selected");
    await page.getByTestId("bulk-add-to-list").click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByRole("heading").textContent()).toBe("Add 60 contacts to a list");
    await dialog.getByTestId("add-to-list-select").selectOption({ label: "Bulk list" });
    await dialog.getByRole("button", { name: "Add" }).click();
    await page.getByText("60 contacts added to Bulk list").waitFor({ timeout: 30_000 });
    const [members] = await stack.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.contact_list_members where list_id = ${list?.id ?? ""}`;
    expect(members?.n).toBe(60);
    await page.context().close();
  });

  it("a marketer edits a contact's custom fields: a key no template could read is refused before sending", async () => {
    const page = await signedIn("marketer");
    const row = page.locator('[data-testid="contact-row"][data-phone="+5531991231003"]');
    await row.waitFor({ timeout: 30_000 });
    await row.locator("a").click();
    await page.getByTestId("edit-custom-fields").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("custom-field-add").click();
    await dialog.getByTestId("custom-field-key").last().fill("{{cupom}}");
    await dialog.getByTestId("custom-field-value").last().fill("10OFF");
    await dialog.getByRole("alert").waitFor();
    expect(await dialog.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    await dialog.getByTestId("custom-field-key").last().fill("cupom");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText("Custom fields saved").waitFor({ timeout: 30_000 });
    await page.getByTestId("custom-fields").getByText("10OFF").waitFor();
    const [c] = await stack.t.admin<{ cf: Record<string, unknown> }[]>`
      select custom_fields as cf from public.contacts where phone_e164 = '+5531991231003'`;
    expect(c?.cf).toMatchObject({ cupom: "10OFF", cidade: "Belo Horizonte" });
    await page.context().close();
  });
});

describe("every audience page, both languages", () => {
  for (const locale of ["en", "pt-BR"] as const) {
    it(`${locale}: no serious accessibility violation, no untranslated key`, {
      timeout: 480_000,
    }, async () => {
      const page = await signedIn("marketer", { locale, theme: "light" });
      await rows(page).first().waitFor({ timeout: 30_000 });
      const contactHref = await rows(page).first().locator("a").getAttribute("href");
      const [segment] = await stack.t.admin<{ id: string }[]>`
        select id from public.segments where org_id = ${stack.org.orgId} limit 1`;
      const pages = [
        ["contacts", "/contacts"],
        ["contact", contactHref ?? "/contacts"],
        ["contacts-import", "/contacts/import"],
        ["contacts-lists", "/contacts/lists"],
        ["contacts-segments", "/contacts/segments"],
        ["contacts-segment-new", "/contacts/segments/new"],
        ["contacts-segment", `/contacts/segments/${segment?.id}`],
        ["contacts-blacklist", "/contacts/blacklist"],
      ] as const;
      const problems: string[] = [];
      for (const [name, url] of pages) {
        await page.goto(`${stack.dashboardUrl}${url}`);
        await page.locator("main h1").first().waitFor({ timeout: 30_000 });
        if (name === "contacts") await rows(page).first().waitFor({ timeout: 30_000 });
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await screenshot(page, `${name}-${locale}.png`);
        for (const v of await seriousViolations(page)) problems.push(`${name}: ${v}`);
        // biome-ignore lint/performance/useDomNodeTextContent: what is rendered visibly is what must be translated.
        const text = await page.evaluate(() => document.body.innerText);
        const missing = text.match(
          /\b(audience|contacts|contactPage|importWizard|lists|segments|blacklist)\.[a-zA-Z]+/g,
        );
        if (missing) problems.push(`${name}: untranslated ${missing.join(", ")}`);
      }
      // A dialog, opened from the keyboard, is announced and traps focus.
      await page.goto(`${stack.dashboardUrl}/contacts/lists`);
      await page.getByTestId("new-list").first().focus();
      await page.keyboard.press("Enter");
      await page.locator('[role="dialog"]').waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("list-name");
      for (const v of await seriousViolations(page)) problems.push(`list dialog: ${v}`);
      await screenshot(page, `contacts-list-dialog-${locale}.png`);
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }
});
