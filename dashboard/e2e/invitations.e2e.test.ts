/**
 * Members by invitation in the browser, against the whole stack: an admin invites by email and role and gets the
 * one-time link once; a new person opens it, chooses a password and lands in the organization signed in; an existing
 * account of another organization signs in as itself first and comes back to accept; a new link replaces the old one
 * (which stops working), a revoked invitation's link stops working; role change and removal. The accept page and the
 * members page are checked with axe in both languages (screenshots with MIRAGE_E2E_SCREENSHOTS=1: browser.ts).
 */
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Look, launchBrowser, newContext, screenshot, seriousViolations, signIn } from "./browser";
import { PASSWORD, type Stack, startStack } from "./stack";

let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let other: OrgFixture;
const newcomer = `newcomer-${Date.now()}@invite.test`;

beforeAll(async () => {
  stack = await startStack();
  ({ browser, close: closeBrowser } = await launchBrowser());
  // People with accounts in another organization (invited below as existing accounts).
  other = await createOrgWithMembers(stack.t.admin, `other-${Date.now() % 100_000}`);
  await stack.t
    .admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))
    where id in (${other.users.operator.id}, ${other.users.viewer.id})`;
});

afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

/** Invites `email` as `role` from the members page and answers the link shown once. */
async function invite(page: Page, email: string, role: string): Promise<string> {
  await page.getByTestId("invite-member").click();
  await page.locator("#invite-email").fill(email);
  await page.locator("#invite-role").selectOption(role);
  await page.locator('[role="dialog"] button[type="submit"]').click();
  const link = (await page.getByTestId("secret-once").textContent({ timeout: 30_000 })) ?? "";
  expect(link).toMatch(/\/invitations\/accept\?token=inv_/);
  await page.keyboard.press("Escape");
  await page.locator(`[data-invitation="${email}"]`).waitFor({ timeout: 30_000 });
  return link;
}

async function adminOnMembers(look?: Look) {
  const ctx = await newContext(browser, look);
  const page = await ctx.newPage();
  await signIn(page, stack.dashboardUrl, stack.email("admin"), PASSWORD, "/settings/members");
  await page.getByTestId("members").waitFor({ timeout: 30_000 });
  return { ctx, page };
}

describe("members by invitation", () => {
  let newcomerLink = "";

  it("an admin invites a new email; a new link replaces the old one, which stops working", async () => {
    const { ctx, page } = await adminOnMembers();
    const first = await invite(page, newcomer, "operator");
    await page.locator(`[data-invitation="${newcomer}"]`).getByRole("button", { name: "New link" }).click();
    newcomerLink = (await page.getByTestId("secret-once").textContent({ timeout: 30_000 })) ?? "";
    expect(newcomerLink).not.toBe(first);
    await page.keyboard.press("Escape");
    const stale = await (await newContext(browser)).newPage();
    await stale.goto(first);
    await stale.getByTestId("invitation-invalid").waitFor({ timeout: 30_000 });
    await stale.context().close();
    await ctx.close();
  });

  it("the new person opens the link, chooses a password and lands in the organization, signed in", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(newcomerLink);
    await page.getByTestId("accept-invitation").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("accept-invitation").textContent()).toContain(newcomer);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator("#new-password").fill("a-new-password-42");
    await page.getByRole("button", { name: "Accept and join" }).click();
    await page.waitForURL((u) => u.pathname === "/instances", { timeout: 60_000 });
    await page.getByText(newcomer).first().waitFor({ timeout: 30_000 });
    // The link worked once.
    await page.goto(newcomerLink);
    await page.getByTestId("invitation-invalid").waitFor({ timeout: 30_000 });
    await ctx.close();

    const { ctx: adminCtx, page: admin } = await adminOnMembers();
    await admin.locator(`[data-member="${newcomer}"]`).waitFor({ timeout: 30_000 });
    expect(await admin.locator(`[data-invitation="${newcomer}"]`).count()).toBe(0);
    await adminCtx.close();
  });

  it("an existing account signs in as itself first, comes back to the link and accepts", async () => {
    const existing = other.users.operator.claims.email;
    const { ctx: adminCtx, page: admin } = await adminOnMembers();
    const link = await invite(admin, existing, "marketer");
    await adminCtx.close();

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(link);
    await page.getByRole("link", { name: "Sign in to accept" }).click();
    await page.waitForURL(/\/sign-in\?next=%2Finvitations%2Faccept/);
    await page.locator("#email").fill(existing);
    await page.locator("#password").fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.pathname === "/invitations/accept", { timeout: 60_000 });
    await page.getByRole("button", { name: "Accept and join" }).click();
    await page.waitForURL((u) => u.pathname === "/instances", { timeout: 60_000 });
    // The organization it joined is the one shown.
    const orgs = (await page.evaluate(async () => (await fetch("/api/v1/auth/me")).json())) as {
      organizations: { id: string; role: string }[];
    };
    expect(orgs.organizations.find((o) => o.id === stack.org.orgId)?.role).toBe("marketer");
    expect((await ctx.cookies()).find((c) => c.name === "mirage_org")?.value).toBe(stack.org.orgId);
    await ctx.close();
  });

  it("a revoked invitation's link stops working; an admin changes a member's role and removes a member", async () => {
    const { ctx, page } = await adminOnMembers();
    const email = `revoked-${Date.now()}@invite.test`;
    const link = await invite(page, email, "viewer");
    await page.locator(`[data-invitation="${email}"]`).getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
    await expect.poll(() => page.locator(`[data-invitation="${email}"]`).count(), { timeout: 30_000 }).toBe(0);
    const gone = await ctx.newPage();
    await gone.goto(link);
    await gone.getByTestId("invitation-invalid").waitFor({ timeout: 30_000 });

    await page.getByLabel(`Role of ${newcomer}`).selectOption("viewer");
    const roleOf = async () => {
      const res = (await page.evaluate(
        async (orgId) => (await fetch(`/api/v1/orgs/${orgId}/members`)).json(),
        stack.org.orgId,
      )) as { items: { email: string | null; role: string }[] };
      return res.items.find((m) => m.email === newcomer)?.role ?? null;
    };
    await expect.poll(roleOf, { timeout: 30_000 }).toBe("viewer");
    await page.locator(`[data-member="${newcomer}"]`).getByRole("button", { name: "Remove" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Remove" }).click();
    await expect.poll(roleOf, { timeout: 30_000 }).toBe(null);
    await ctx.close();
  });

  for (const look of [
    { locale: "en", theme: "light" },
    { locale: "pt-BR", theme: "dark" },
  ] as Look[]) {
    it(`${look.locale} ${look.theme}: the members page and the accept page (new and existing account) pass axe`, async () => {
      const { ctx, page } = await adminOnMembers(look);
      const fresh = await invite(page, `shot-${look.locale.toLowerCase()}-${Date.now()}@invite.test`, "operator");
      const existingLink = await invite(page, other.users.viewer.claims.email, "viewer");
      await page.waitForLoadState("networkidle").catch(() => undefined);
      // Toasts fade out: axe would measure their contrast mid-animation.
      await expect.poll(() => page.locator("[data-sonner-toast]").count(), { timeout: 30_000 }).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `members-invitations-${look.theme}-${look.locale}.png`);
      const visitor = await newContext(browser, look);
      const accept = await visitor.newPage();
      for (const [name, link] of [
        ["new", fresh],
        ["existing", existingLink],
      ] as const) {
        await accept.goto(link);
        await accept.getByTestId("accept-invitation").waitFor({ timeout: 30_000 });
        expect(await accept.evaluate(() => document.documentElement.lang)).toBe(look.locale);
        expect(await seriousViolations(accept)).toEqual([]);
        await screenshot(accept, `accept-invitation-${name}-${look.theme}-${look.locale}.png`, { fullPage: false });
      }
      await accept.goto(`${stack.dashboardUrl}/invitations/accept?token=inv_not-a-real-token-at-all`);
      await accept.getByTestId("invitation-invalid").waitFor({ timeout: 30_000 });
      expect(await seriousViolations(accept)).toEqual([]);
      await screenshot(accept, `accept-invitation-invalid-${look.theme}-${look.locale}.png`, { fullPage: false });
      await visitor.close();
      await ctx.close();
    });
  }

  it("the audit log names who removed whom, filtered by the API on the whole log", async () => {
    const { ctx, page } = await adminOnMembers();
    await page.goto(`${stack.dashboardUrl}/settings/audit`);
    await page.locator("#audit-action").selectOption("member.remove");
    const row = page.locator("tbody tr", { hasText: newcomer }).first();
    await row.waitFor({ timeout: 30_000 });
    // Who and what in words: the admin's email, and the removed member's.
    expect(await row.textContent()).toContain(stack.email("admin"));
    const actions = await page.locator("tbody tr td:nth-child(3) .font-mono").allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["member.remove"]));
    await page.locator("#audit-actor").selectOption({ label: stack.email("viewer") });
    await page.getByText("No entries match these filters.").waitFor({ timeout: 30_000 });
    await ctx.close();
  });
});
