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
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { intArg, median, shutdown } from "../lib.ts";
import { startDashboardBench } from "./stack.ts";

const { values } = parseArgs({
  options: {
    contacts: { type: "string", default: "100000" },
    runs: { type: "string", default: "5" },
  },
});
const N = intArg("contacts", values.contacts, 100_000);
const RUNS = intArg("runs", values.runs, 5);
const { stack, dashUrl, open } = await startDashboardBench();

const ROW = '[data-testid="contact-row"]';
const rowCount = `document.querySelectorAll('${ROW}').length`;

try {
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

  const { page } = await open({ email: "marketer@bench.test", next: "/contacts" });

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
