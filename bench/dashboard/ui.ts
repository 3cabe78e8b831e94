/**
 * The dashboard's figures, in headless Chromium against the real orchestrator and its production build:
 *   - first-load JavaScript of the instances page (every script the page loads, gzipped);
 *   - time to interactive of the instances page with --instances (500) numbers: navigation start → the first cards,
 *     every card rendered, and a search typed after that answered (median of --runs);
 *   - database change → DOM update: an UPDATE of an instance's status (NOTIFY → relay → socket.io → cache patch)
 *     until the card's data-status attribute changes in the page (p50/p95 over --changes).
 * Usage: pnpm exec tsx bench/dashboard/ui.ts [--instances 500] [--runs 5] [--changes 60]
 * Needs a dashboard build (built here when stale) and /usr/bin/chromium.
 */
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { median, shutdown } from "../lib.ts";
import { percentiles } from "../orchestrator/stack.ts";
import { startDashboardBench } from "./stack.ts";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "500" },
    runs: { type: "string", default: "5" },
    changes: { type: "string", default: "60" },
    verbose: { type: "boolean", default: false },
  },
});
const N = Number(values.instances);
const RUNS = Number(values.runs);
const CHANGES = Number(values.changes);
const { stack, dashUrl, open } = await startDashboardBench();

try {
  // N numbers, stopped (no worker hosts them), with a spread of states and health like a real fleet.
  const states = ["connected", "connected", "connected", "degraded", "restricted", "logged_out", "stopped"];
  const rows = Array.from({ length: N }, (_, i) => ({
    org_id: stack.orgId,
    name: `bench-${String(i).padStart(4, "0")}`,
    phone_e164: `+55119${String(10_000_000 + i)}`,
    status: states[i % states.length] as string,
    desired_state: "stopped",
    health_score: 40 + (i % 60),
    worker_id: `worker-${i % 4}`,
  }));
  await stack.admin`insert into public.instances ${stack.admin(rows)}`;
  const [target] = await stack.admin<{ id: string }[]>`select id from public.instances where name = 'bench-0000'`;
  if (!target) throw new Error("no instance");

  const { browser, ctx, page } = await open({ email: "owner@bench.test", next: "/instances" });

  // First-load JS: every script of a cold load of /instances (cache disabled through a fresh context's routes).
  const cold = await browser.newContext({ storageState: await ctx.storageState() });
  const coldPage = await cold.newPage();
  const scripts = new Map<string, number>();
  coldPage.on("response", async (res) => {
    if (res.request().resourceType() !== "script") return;
    const body = await res.body().catch(() => Buffer.alloc(0));
    scripts.set(res.url(), gzipSync(body, { level: 9 }).length);
  });
  await coldPage.goto(`${dashUrl}/instances`, { waitUntil: "networkidle" });
  // First-load JS as Next counts it: the scripts the HTML itself references (what must load before the page is
  // usable); the network-idle total also has the chunks fetched lazily after hydration (toaster, dialogs' code).
  const html = await (await cold.request.get(`${dashUrl}/instances`)).text();
  const initial = new Set(
    [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="preload"[^>]+as="script"[^>]+href="([^"]+)"/g)].map(
      (m) => new URL(m[1] ?? m[2] ?? "", dashUrl).pathname,
    ),
  );
  await cold.close();
  const total = (pick: (path: string) => boolean) =>
    [...scripts].filter(([url]) => pick(new URL(url).pathname)).reduce((a, [, size]) => a + size, 0) / 1024;
  const firstLoadKb = total((p) => initial.has(p));
  const idleKb = total(() => true);

  // Time to interactive with N numbers.
  const tti: number[] = [];
  const rendered: number[] = [];
  const first: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    await page.goto(`${dashUrl}/instances`, { waitUntil: "commit" });
    await page.waitForFunction(`document.querySelector('[data-testid="instance-card"]') !== null`, null, {
      timeout: 120_000,
      polling: "raf",
    });
    first.push(await page.evaluate(() => performance.now()));
    await page.waitForFunction(`document.querySelectorAll('[data-testid="instance-card"]').length >= ${N}`, null, {
      timeout: 120_000,
      polling: 50,
    });
    const cardsAt = await page.evaluate(() => performance.now());
    // Interactive: a keystroke in the search box filters the list (the main thread answered).
    await page.locator('input[type="search"]').fill("bench-0001");
    await page.waitForFunction(`document.querySelectorAll('[data-testid="instance-card"]').length === 1`, null, {
      timeout: 60_000,
      polling: "raf",
    });
    rendered.push(cardsAt);
    tti.push(await page.evaluate(() => performance.now()));
  }

  // Database change → DOM update.
  await page.goto(`${dashUrl}/instances`);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 60_000 });
  await page.locator('input[type="search"]').fill("bench-0000");
  const latencies: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const next = i % 2 === 0 ? "degraded" : "connected";
    // In the page (a string: this file is type-checked without the DOM library).
    const seen = page.evaluate(`new Promise((resolve) => {
      const card = document.querySelector('[data-testid="instance-card"][data-instance="bench-0000"]');
      const obs = new MutationObserver(() => {
        if (card.getAttribute("data-status") === "${next}") { obs.disconnect(); resolve(Date.now()); }
      });
      obs.observe(card, { attributes: true, attributeFilter: ["data-status"] });
    })`) as Promise<number>;
    await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    const t0 = Date.now();
    await stack.admin`update public.instances set status = ${next} where id = ${target.id}`;
    latencies.push((await seen) - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  const p = percentiles(latencies);
  if (values.verbose) {
    for (const [url, size] of [...scripts].sort((a, b) => b[1] - a[1]))
      console.log(
        `  ${(size / 1024).toFixed(1).padStart(6)} kB  ${new URL(url).pathname}${initial.has(new URL(url).pathname) ? "" : "  (lazy)"}`,
      );
  }
  console.log(
    `first-load JS of /instances: ${firstLoadKb.toFixed(1)} kB gzipped (${initial.size} scripts in the HTML; goal < 200 kB); ${idleKb.toFixed(1)} kB by network idle (${scripts.size} scripts, lazy chunks included)`,
  );
  console.log(
    `instances page with ${N} numbers, after navigation: first cards ${median(first).toFixed(0)} ms, all ${N} rendered ${median(rendered).toFixed(0)} ms, search answered ${median(tti).toFixed(0)} ms (median of ${RUNS})`,
  );
  console.log(
    `database change → DOM update over ${p.n} changes: p50 ${p.p50.toFixed(0)} ms, p95 ${p.p95.toFixed(0)} ms, max ${p.max.toFixed(0)} ms (goal p95 < 500 ms)`,
  );
  await shutdown(0);
} catch (err) {
  console.error(err);
  await shutdown(1);
}
