/**
 * Benchmark: planning a campaign round — snapshotting the audience (a list and a segment) into one queued message
 * per person with a sticky weighted sender and an earliest time. Each run plans a fresh campaign over the same
 * audience twice, side by side, each in a transaction rolled back afterwards (the table is vacuumed between plans,
 * outside the timing, so a run does not pay for the dead rows of the previous one), alternating which goes first:
 *   before — the previous planner: one INSERT … SELECT whose every row runs the table's foreign-key checks
 *            (bench/campaigns/plan-legacy.ts);
 *   after  — planCampaign: the same plan written by private.insert_campaign_plan, which proves the foreign keys once
 *            for the statement.
 * Then a bare INSERT … SELECT of as many rows (no audience, no assignment: what the table's indexes and keys cost
 * alone). Prints medians, rows/s, the ratio and the load average. Goal: 100k recipients < 10 s.
 *
 *   npx tsx bench/campaigns/plan.ts [--recipients 100000] [--senders 10] [--runs 5] [--fresh] [--db name]
 *
 * Uses MIRAGE_BENCH_ADMIN_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres) and keeps the loaded
 * database (--db, default mirage_bench_campaigns_<recipients>) between runs, applying any new migration to it;
 * --fresh reloads it.
 */
import { loadavg } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { planCampaign } from "@mirage/db/campaign-planning";
import { runMigrations } from "@mirage/db/migrate";
import postgres from "postgres";
import { benchDatabase, median, ROOT } from "../lib.ts";
import { planCampaignPerRowChecks } from "./plan-legacy.ts";

const { values } = parseArgs({
  options: {
    recipients: { type: "string", default: "100000" },
    senders: { type: "string", default: "10" },
    runs: { type: "string", default: "5" },
    fresh: { type: "boolean", default: false },
    db: { type: "string" },
  },
});
const N = Number(values.recipients);
const SENDERS = Number(values.senders);
const RUNS = Math.max(1, Number(values.runs));
const DB = values.db ?? `mirage_bench_campaigns_${N}`;
const ORG = "00000000-0000-4000-9000-000000000001";
const LIST = "00000000-0000-4000-a000-000000000001";

async function load(): Promise<{ adminUrl: string; appUrl: string }> {
  const { created, adminUrl, appUrl } = await benchDatabase(DB, { reuse: !values.fresh });
  if (!created) {
    await runMigrations({ adminUrl, migrationsDir: path.join(ROOT, "supabase/migrations") });
    return { adminUrl, appUrl };
  }
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  await sql`insert into public.organizations (id, name, slug) values (${ORG}, 'Bench', 'bench')`;
  await sql`insert into public.instances (id, org_id, name, status, health_score)
    select ('00000000-0000-4000-b000-' || lpad(n::text, 12, '0'))::uuid, ${ORG}, 'sender-' || n, 'connected',
      60 + (n * 7) % 40
    from generate_series(1, ${SENDERS}) n`;
  await sql`insert into public.contact_lists (id, org_id, name) values (${LIST}, ${ORG}, 'All')`;
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    // 10 % more people than planned: the list holds 90 % of them, a segment (tag "vip") adds the rest.
    await tx`insert into public.contacts (org_id, phone_e164, name, tags)
      select ${ORG}, '+55119' || (10000000 + n)::text, 'Pessoa ' || n,
        case when n % 10 = 0 then array['vip'] else '{}' end
      from generate_series(1, ${N}) n`;
    await tx`insert into public.contact_list_members (org_id, list_id, contact_id)
      select ${ORG}, ${LIST}, id from public.contacts where org_id = ${ORG} and not ('vip' = any(tags))`;
  });
  await sql`vacuum analyze`;
  console.log(`loaded ${N} contacts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await sql.end();
  return { adminUrl, appUrl };
}

class Rollback extends Error {}

async function main(): Promise<void> {
  const { adminUrl } = await load();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const times = { before: [] as number[], after: [] as number[] };
  const bare: number[] = [];
  const loadAvg = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(", ");
  /** Plans a fresh campaign inside a transaction with the given planner, answers the time; rolls back. */
  async function planOnce(variant: "before" | "after", campaignId: string): Promise<number> {
    let ms = 0;
    await admin`vacuum public.outbound_messages`;
    await admin
      .begin(async (tx) => {
        const plan = variant === "before" ? planCampaignPerRowChecks : planCampaign;
        const t0 = performance.now();
        const planned = await plan(tx as never, {
          campaignId,
          orgId: ORG,
          listIds: [LIST],
          segments: [{ tagsAny: ["vip"] }],
          startAt: new Date(),
          spacingMs: 45_000,
          perDayCap: 250,
          variants: ["Olá {{first_name|cliente}}!", "Oi {{first_name|cliente}}, tudo bem?"],
        });
        ms = performance.now() - t0;
        if (planned !== N) throw new Error(`planned ${planned}, expected ${N}`);
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
    return ms;
  }
  try {
    for (let run = 0; run < RUNS; run++) {
      const [c] = await admin<{ id: string }[]>`
        insert into public.campaigns (org_id, name) values (${ORG}, ${`bench ${Date.now()} ${run}`}) returning id`;
      if (!c) throw new Error("no campaign");
      await admin`insert into public.campaign_senders (campaign_id, instance_id, org_id, weight)
        select ${c.id}, id, ${ORG}, 1 + (row_number() over (order by id))::int % 3 from public.instances where org_id = ${ORG}`;
      const order = run % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const);
      for (const variant of order) {
        const ms = await planOnce(variant, c.id);
        times[variant].push(ms);
        console.log(
          `run ${run + 1} ${variant.padEnd(6)}: planned ${N} in ${(ms / 1000).toFixed(2)} s (load average ${loadAvg()})`,
        );
      }
      await admin`vacuum public.outbound_messages`;
      const b0 = performance.now();
      await admin
        .begin(async (tx) => {
          await tx`insert into public.outbound_messages (org_id, campaign_id, contact_id, recipient_phone, instance_id,
              body, variation, scheduled_at)
            select ${ORG}, ${c.id}, id, phone_e164, '00000000-0000-4000-b000-000000000001', 'Olá!', 0, now()
            from public.contacts where org_id = ${ORG}`;
          throw new Rollback();
        })
        .catch((err: unknown) => {
          if (!(err instanceof Rollback)) throw err;
        });
      bare.push(performance.now() - b0);
      await admin`delete from public.campaigns where id = ${c.id}`;
    }
    const line = (label: string, xs: number[]) => {
      const med = median(xs);
      console.log(
        `${label}: plan ${N} recipients over ${SENDERS} senders: median ${(med / 1000).toFixed(2)} s ` +
          `(min ${(Math.min(...xs) / 1000).toFixed(2)}, max ${(Math.max(...xs) / 1000).toFixed(2)}), ` +
          `${Math.round(N / (med / 1000))} rows/s; goal < 10 s: ${med < 10_000 ? "met" : "NOT met"}`,
      );
      return med;
    };
    const before = line("before (per-row foreign-key checks)", times.before);
    const after = line("after  (bulk insert_campaign_plan) ", times.after);
    console.log(`after / before = ${(after / before).toFixed(2)}x`);
    const b = median(bare);
    console.log(
      `bare insert of ${N} rows into outbound_messages (per-row checks): median ${(b / 1000).toFixed(2)} s; ` +
        `planning (after) / bare insert = ${(after / b).toFixed(2)}x`,
    );
    console.log(`load average at the end: ${loadAvg()}`);
  } finally {
    await admin.end();
  }
}

await main();
