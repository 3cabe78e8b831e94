/**
 * Segment counts over 1M contacts of one organization (plus 200k of another), through asUser (RLS) exactly as
 * the API's POST …/segments/count runs them. Prints the median and p95 per filter. Goal: < 200 ms.
 *
 *   npx tsx bench/audience/segment-count.ts [--contacts 1000000] [--repeat 7] [--fresh]
 *
 * The database (mirage_bench_segments) is kept between runs; --fresh rebuilds it.
 */
import { parseArgs } from "node:util";
import type { TSegmentFilter } from "@mirage/contracts/segments";
import { createDb } from "@mirage/db";
import { countSegment } from "@mirage/db/segments";
import postgres from "postgres";
import { benchDatabase, median, percentile } from "../lib.ts";

const { values } = parseArgs({
  options: {
    contacts: { type: "string", default: "1000000" },
    repeat: { type: "string", default: "7" },
    fresh: { type: "boolean", default: false },
  },
});
const n = Number(values.contacts);
const repeat = Number(values.repeat);

const d = await benchDatabase("mirage_bench_segments", { reuse: !values.fresh });
const admin = postgres(d.adminUrl, { max: 1, onnotice: () => {} });
const db = createDb({ url: d.appUrl, max: 2 });
try {
  let [org] = await admin<{ id: string }[]>`select id from public.organizations where slug = 'seg-bench'`;
  const [have] = org
    ? await admin<{ c: number }[]>`select count(*)::int as c from public.contacts where org_id = ${org.id}`
    : [{ c: 0 }];
  if (!org || have?.c !== n) {
    console.log(`building ${n} contacts…`);
    await admin`delete from public.organizations where slug in ('seg-bench', 'seg-other')`;
    [org] = await admin<{ id: string }[]>`
      insert into public.organizations (name, slug) values ('Seg', 'seg-bench') returning id`;
    const [other] = await admin<{ id: string }[]>`
      insert into public.organizations (name, slug) values ('Other', 'seg-other') returning id`;
    const [u] = await admin<{ id: string }[]>`
      insert into auth.users (email) values ('seg@bench.test') on conflict do nothing returning id`;
    const userId =
      u?.id ?? (await admin<{ id: string }[]>`select id from auth.users where email = 'seg@bench.test'`)[0]?.id;
    await admin`insert into public.organization_members (org_id, user_id, role) values (${org?.id ?? ""}, ${userId ?? ""}, 'marketer')`;
    const fill = (orgId: string, count: number, offset: number) => admin`
      insert into public.contacts (org_id, phone_e164, name, tags, custom_fields, created_at, last_inbound_at, last_outbound_at, consent_state)
      select ${orgId}, '+55' || (11000000000 + ${offset} + g)::text, 'Cliente ' || g,
        case g % 5 when 0 then '{lead}'::text[] when 1 then '{lead,vip}' when 2 then '{cliente}'
          when 3 then '{cliente,vip,sp}' else '{}' end,
        jsonb_build_object('cidade', (array['São Paulo','Recife','Rio de Janeiro','Salvador'])[1 + g % 4], 'plano', (array['basico','pro','enterprise'])[1 + g % 3]),
        now() - (g % 365) * interval '1 day',
        case when g % 7 = 0 then now() - (g % 90) * interval '1 day' end,
        case when g % 3 = 0 then now() - (g % 60) * interval '1 day' end,
        (array['unknown','opted_in','opted_out']::public.consent_state[])[1 + g % 3]
      from generate_series(1, ${count}) g`;
    await fill(org?.id ?? "", n, 0);
    await fill(other?.id ?? "", Math.floor(n / 5), 500_000_000);
    await admin`vacuum analyze public.contacts`;
  }
  const orgId = org?.id ?? "";
  const [member] = await admin<{ user_id: string }[]>`
    select user_id from public.organization_members where org_id = ${orgId} limit 1`;
  const claims = { sub: member?.user_id ?? "", role: "authenticated" as const, aud: "authenticated" };

  const filters: [string, TSegmentFilter][] = [
    ["everyone", {}],
    ["tagsAny [vip]", { tagsAny: ["vip"] }],
    ["tagsAll [cliente, vip]", { tagsAll: ["cliente", "vip"] }],
    ["replied = false, tagsAny [lead]", { replied: false, tagsAny: ["lead"] }],
    ["cidade equals Recife", { customFields: [{ key: "cidade", op: "equals", value: "Recife" }] }],
    ["created last 30 days", { createdFrom: new Date(Date.now() - 30 * 86_400_000).toISOString() }],
    [
      "last message in 30 days, opted_in",
      { lastMessageFrom: new Date(Date.now() - 30 * 86_400_000).toISOString(), consent: ["opted_in"] },
    ],
    ["cidade contains 'paulo'", { customFields: [{ key: "cidade", op: "contains", value: "paulo" }] }],
  ];
  console.log(`segment counts over ${n} contacts (asUser, RLS), ${repeat} runs each after a warm-up:`);
  for (const [label, filter] of filters) {
    await db.asUser(claims, (tx) => countSegment(tx, orgId, filter));
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      count = await db.asUser(claims, (tx) => countSegment(tx, orgId, filter));
      times.push(performance.now() - t0);
    }
    console.log(
      `  ${label.padEnd(36)} ${String(count).padStart(8)} contacts  median ${median(times).toFixed(1)} ms, ` +
        `p95 ${percentile(times, 95).toFixed(1)} ms`,
    );
  }
} finally {
  await db.close();
  await admin.end();
}
