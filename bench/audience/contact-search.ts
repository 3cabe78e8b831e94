/**
 * Contacts search by a part of a number, at the SQL level: the contacts list query (listContacts, the API's
 * GET …/contacts?q=) through asUser (RLS) over --contacts contacts of one organization (plus a fifth as many of
 * another), newest first, one page of 50. Before/after side by side in one run, medians of --runs: "before" is the
 * previous page query (LIKE on the name and the number, under RLS), "after" is listContacts (the matching ids from
 * private.search_contact_ids with the name and trigram indexes, then the page by id). Plans of both are printed.
 *
 *   pnpm exec tsx bench/audience/contact-search.ts [--contacts 100000] [--runs 7]
 *
 * The database (mirage_bench_contact_search) is rebuilt on every run and dropped at the end.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createDb } from "@mirage/db";
import { listContacts } from "@mirage/db/contacts";
import postgres from "postgres";
import { BENCH_ADMIN_URL, benchDatabase, intArg, median } from "../lib.ts";

const { values } = parseArgs({
  options: { contacts: { type: "string", default: "100000" }, runs: { type: "string", default: "7" } },
});
const N = intArg("contacts", values.contacts, 100_000);
const RUNS = intArg("runs", values.runs, 7);
const NAME = "mirage_bench_contact_search";

const d = await benchDatabase(NAME);
const admin = postgres(d.adminUrl, { max: 1, onnotice: () => {} });
const db = createDb({ url: d.appUrl, max: 2 });
try {
  const [org] = await admin<
    { id: string }[]
  >`insert into public.organizations (name, slug) values ('S', 'search') returning id`;
  const [other] = await admin<
    { id: string }[]
  >`insert into public.organizations (name, slug) values ('O', 'other') returning id`;
  const [user] = await admin<{ id: string }[]>`insert into auth.users (email) values ('m@bench.test') returning id`;
  if (!org || !other || !user) throw new Error("setup failed");
  await admin`insert into public.organization_members (org_id, user_id, role) values (${org.id}, ${user.id}, 'marketer')`;
  // Numbers and names as the dashboard bench seeds them: +55119 and eight digits, "Contato 000123".
  const fill = (orgId: string, count: number, offset: number) => admin`
    insert into public.contacts (org_id, phone_e164, name, tags, created_at)
    select ${orgId}, '+55119' || lpad((${offset} + g)::text, 8, '0'), 'Contato ' || lpad(g::text, 6, '0'),
      case when g % 3 = 0 then array['vip'] else array['lead'] end, now() - g * interval '1 second'
    from generate_series(1, ${count}) g`;
  await fill(org.id, N, 0);
  await fill(other.id, Math.floor(N / 5), 50_000_000);
  await admin`vacuum analyze public.contacts`;

  const claims = { sub: user.id, role: "authenticated" as const, aud: "authenticated" };
  const one = String(1 + Math.floor(N / 3)).padStart(8, "0");
  const cases: [string, string][] = [
    ["a whole number, as typed (11 digits, 1 match)", `119${one}`],
    ["its last 6 digits (1 match)", one.slice(-6)],
    ["4 digits (~1 in 1,000 numbers)", one.slice(-4)],
    ["3 digits common to every number (119)", "119"],
    ["a name prefix", `Contato ${one.slice(-6, -2)}`],
  ];
  const timeCase = async (q: string) => {
    const ms: number[] = [];
    let rows = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      rows = (await db.asUser(claims, (tx) => listContacts(tx, { orgId: org.id, q, limit: 50 }))).length;
      ms.push(performance.now() - t0);
    }
    return { ms: Math.round(median(ms) * 10) / 10, rows };
  };
  const asCaller = <T>(fn: (tx: postgres.TransactionSql) => Promise<T>) =>
    admin.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true), set_config('role', 'authenticated', true)`;
      return fn(tx);
    }) as Promise<T>;
  // The page query as it was: both LIKEs evaluated row by row after the row policy.
  const previous = (tx: postgres.TransactionSql, q: string, explain = false) => {
    const digits = q.replace(/\D/g, "");
    const name = `${q.toLowerCase()}%`;
    const where =
      digits.length >= 3
        ? tx`and (lower(c.name) like ${name} or c.phone_e164 like ${`%${digits}%`})`
        : tx`and lower(c.name) like ${name}`;
    return tx<{ "QUERY PLAN": string }[]>`${explain ? tx`explain (analyze, costs off, timing off)` : tx``}
      select c.id from public.contacts c where c.org_id = ${org.id} ${where}
      order by c.created_at desc, c.id desc limit 51`;
  };
  const timeBefore = async (q: string) => {
    const ms: number[] = [];
    let rows = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      rows = (await asCaller((tx) => previous(tx, q))).length;
      ms.push(performance.now() - t0);
    }
    return { ms: Math.round(median(ms) * 10) / 10, rows };
  };
  const numberQ = `119${one}`;
  const planBefore = (await asCaller((tx) => previous(tx, numberQ, true))).map((l) => l["QUERY PLAN"]);
  const planAfter = (
    await asCaller(
      (tx) => tx<{ "QUERY PLAN": string }[]>`explain (analyze, costs off, timing off)
        select id from private.search_contact_ids(${org.id}, ${`${numberQ}%`}, ${numberQ}, 501) as id`,
    )
  ).map((l) => l["QUERY PLAN"]);
  // What the function runs, as its owner (it plans with the values, like this statement).
  const planInside = (
    await admin<{ "QUERY PLAN": string }[]>`explain (costs off)
      select c.id from public.contacts c
       where c.org_id = ${org.id} and (lower(c.name) like ${`${numberQ}%`} or c.phone_e164 like ${`%${numberQ}%`})
       limit 501`
  ).map((l) => l["QUERY PLAN"]);

  const before: Record<string, { ms: number; rows: number }> = {};
  const after: Record<string, { ms: number; rows: number }> = {};
  for (const [label, q] of cases) {
    before[label] = await timeBefore(q);
    after[label] = await timeCase(q);
  }

  console.log(`contacts search, ${N} contacts in the organization, medians of ${RUNS} (ms, first page of 50 rows)`);
  for (const [label] of cases) {
    const b = before[label];
    const a = after[label];
    console.log(`  ${label}: before ${b?.ms} ms (${b?.rows} rows), after ${a?.ms} ms (${a?.rows} rows)`);
  }
  console.log(`before, the number search:\n  ${planBefore.join("\n  ")}`);
  console.log(`after, the search function:\n  ${planAfter.join("\n  ")}`);
  console.log(`after, inside the function (as the owner):\n  ${planInside.join("\n  ")}`);
  console.log(
    JSON.stringify({
      bench: "contacts search",
      contacts: N,
      runs: RUNS,
      unit: "ms",
      before,
      after,
      loadAverage: loadavg()
        .map((l) => l.toFixed(2))
        .join(" "),
    }),
  );
} finally {
  await db.close();
  await admin.end({ timeout: 5 });
  const server = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  await server.unsafe(`drop database if exists ${NAME} with (force)`);
  await server.end();
}
