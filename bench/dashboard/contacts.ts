/**
 * The contacts table with a large audience, in headless Chromium against the real orchestrator and the dashboard's
 * production build:
 *   - time to the first row of /contacts with --contacts (100k) in the organization (navigation start → the first
 *     row in the DOM), and to the first 50 (one keyset page: the table never loads the whole audience);
 *   - time to apply a search (typed → the table shows only the match) and a filter (the "never replied" select →
 *     the table re-rendered with its answer), each from the input event to the DOM;
 *   - the next page on scroll (the sentinel reached → 100 rows).
 * Medians of --runs. The contacts are inserted with one INSERT … SELECT generate_series (tags, custom fields, a
 * tenth with a reply), then ANALYZEd.
 * Usage: pnpm exec tsx bench/dashboard/contacts.ts [--contacts 100000] [--runs 5]
 * Needs a dashboard build (built here when stale) and /usr/bin/chromium.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type * as PW from "../../dashboard/node_modules/playwright-core/index.js";
import { intArg, median } from "../lib.ts";
import { startBenchStack } from "../orchestrator/stack.ts";

const { values } = parseArgs({
  options: {
    contacts: { type: "string", default: "100000" },
    runs: { type: "string", default: "5" },
  },
});
const N = intArg("contacts", values.contacts, 100_000);
const RUNS = intArg("runs", values.runs, 5);
const root = path.resolve(import.meta.dirname, "../..");
const dashboardDir = path.join(root, "dashboard");
const { chromium } = createRequire(path.join(dashboardDir, "package.json"))("playwright-core") as typeof PW;
const PASSWORD = "bench-password-123";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
let cleanup: (() => Promise<void>) | undefined;
async function shutdown(code: number): Promise<never> {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, "SIGTERM");
  await cleanup?.().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(130));
process.on("SIGTERM", () => void shutdown(143));

execFileSync(process.execPath, [path.join(dashboardDir, "scripts/build.mjs"), "--if-stale"], {
  cwd: dashboardDir,
  stdio: "inherit",
});
const dashPort = await freePort();
const dashUrl = `http://127.0.0.1:${dashPort}`;
const stack = await startBenchStack({ CORS_ORIGINS: dashUrl, BCRYPT_COST: "4", LOGIN_RATE_PER_IP_PER_MINUTE: "1000" });
let browser: PW.Browser | undefined;
cleanup = async () => {
  await browser?.close().catch(() => undefined);
  await stack.close();
};

const ROW = '[data-testid="contact-row"]';
const rowCount = `document.querySelectorAll('${ROW}').length`;

try {
  await stack.admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))`;
  const seeded = Date.now();
  await stack.admin`
    insert into public.contacts (org_id, phone_e164, name, tags, custom_fields, consent_state, last_inbound_at, created_at)
    select ${stack.orgId}, '+55119' || lpad(g::text, 8, '0'), 'Contato ' || lpad(g::text, 6, '0'),
      case when g % 3 = 0 then array['vip'] else array['lead'] end,
      jsonb_build_object('cidade', case when g % 2 = 0 then 'Recife' else 'São Paulo' end),
      (case when g % 5 = 0 then 'opted_in' else 'unknown' end)::public.consent_state,
      case when g % 10 = 0 then now() - g * interval '1 minute' end,
      now() - g * interval '1 second'
    from generate_series(1, ${N}) g`;
  await stack.admin`analyze public.contacts`;
  const seedMs = Date.now() - seeded;

  const dashboard = spawn(process.execPath, [path.join(dashboardDir, "scripts/serve.mjs")], {
    cwd: dashboardDir,
    env: { ...process.env, DASHBOARD_HOST: "127.0.0.1", DASHBOARD_PORT: String(dashPort), MIRAGE_API_URL: stack.url },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(dashboard);
  for (let i = 0; ; i++) {
    const up = await fetch(`${dashUrl}/sign-in`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 600) throw new Error("the dashboard did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await chromium.launch({
    executablePath: process.env.MIRAGE_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"],
  });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en" });
  const page = await ctx.newPage();
  await page.goto(`${dashUrl}/sign-in?next=/contacts`);
  await page.locator("#email").fill("marketer@bench.test");
  await page.locator("#password").fill(PASSWORD);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((u) => u.pathname === "/contacts");

  const firstRow: number[] = [];
  const firstPage: number[] = [];
  const search: number[] = [];
  const filter: number[] = [];
  const nextPage: number[] = [];
  // Milliseconds from `act` until `condition` (a page expression) holds, measured in the page's own clock.
  const timed = async (act: () => Promise<void>, condition: string): Promise<number> => {
    const t0 = (await page.evaluate("performance.now()")) as number;
    await act();
    await page.waitForFunction(condition, null, { timeout: 120_000, polling: "raf" });
    return ((await page.evaluate("performance.now()")) as number) - t0;
  };
  for (let r = 0; r < RUNS; r++) {
    await page.goto(`${dashUrl}/contacts`, { waitUntil: "commit" });
    await page.waitForFunction(`${rowCount} > 0`, null, { timeout: 120_000, polling: "raf" });
    firstRow.push((await page.evaluate("performance.now()")) as number);
    await page.waitForFunction(`${rowCount} >= 50`, null, { timeout: 120_000, polling: "raf" });
    firstPage.push((await page.evaluate("performance.now()")) as number);
    // A number that exists once, typed as a marketer would (digits of the number).
    const wanted = `+55119${String(1 + ((r * 7919) % N)).padStart(8, "0")}`;
    search.push(
      await timed(
        () => page.getByTestId("contacts-search").fill(wanted.slice(3)),
        `${rowCount} === 1 && document.querySelector('${ROW}').getAttribute('data-phone') === '${wanted}'`,
      ),
    );
    await page.getByTestId("contacts-search").fill("");
    await page.waitForFunction(`${rowCount} >= 50`, null, { timeout: 120_000, polling: "raf" });
    // Filter: "never replied"; done when the table no longer shows a contact who replied (every tenth one) and is
    // not marked busy.
    filter.push(
      await timed(async () => {
        await page.getByTestId("contacts-replied").selectOption("false");
      }, `${rowCount} >= 50 && document.querySelector('[data-testid="contacts-table"]')?.getAttribute('aria-busy') === 'false' && ![...document.querySelectorAll('${ROW}')].some((r) => /0\\s*$/.test(r.querySelector('a')?.textContent ?? ''))`),
    );
    await page.getByTestId("contacts-replied").selectOption("");
    await page.waitForFunction(
      `${rowCount} >= 50 && document.querySelector('[data-testid="contacts-table"]')?.getAttribute('aria-busy') === 'false'`,
      null,
      { timeout: 120_000, polling: "raf" },
    );
    nextPage.push(
      await timed(
        () => page.evaluate("window.scrollTo(0, document.body.scrollHeight)") as Promise<void>,
        `${rowCount} >= 100`,
      ),
    );
  }
  const [{ count } = { count: 0 }] = await stack.admin<{ count: number }[]>`
    select count(*)::int as count from public.contacts where org_id = ${stack.orgId}`;
  console.log(
    `contacts: ${count} in the organization (seeded in ${seedMs} ms); load average ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `/contacts after navigation: first row ${median(firstRow).toFixed(0)} ms, first page of 50 ${median(firstPage).toFixed(0)} ms (median of ${RUNS})`,
  );
  console.log(
    `search by number typed → the one match shown: ${median(search).toFixed(0)} ms; "never replied" filter → table re-rendered: ${median(filter).toFixed(0)} ms; next page on scroll: ${median(nextPage).toFixed(0)} ms (medians of ${RUNS}, includes the 300 ms search debounce)`,
  );
  await shutdown(0);
} catch (err) {
  console.error(err);
  await shutdown(1);
}
