/**
 * Webhook signing secrets in the browser, against the whole stack: an admin adds an endpoint (secret shown once),
 * rotates it from the endpoint's row (the new secret shown once, different), and the next delivery to a receiver in
 * this process verifies with the new secret and not with the old one. An Evolution-format endpoint's row offers the
 * rotation too (its secret is obtained no other way).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from "@mirage/testing/webhook-receiver";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../src/i18n/catalogue";
import { launchBrowser, newContext, signIn } from "./browser";
import { PASSWORD, type Stack, startStack } from "./stack";

const en = (await loadCatalogue("en")).webhooks as Record<string, string>;
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
