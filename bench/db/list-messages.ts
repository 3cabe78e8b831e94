/**
 * Benchmark: list one organization's 10k outbound messages out of 1M rows, through asUser (RLS decides)
 * versus asService (RLS bypassed, explicit org filter). Prints both medians and the ratio (goal ≤ 1.5).
 *
 *   npx tsx bench/db/list-messages.ts [--runs 31] [--fresh]
 *
 * Uses MIRAGE_BENCH_ADMIN_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres) and keeps the
 * loaded database (mirage_bench_messages) between runs; --fresh reloads it.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createDb } from "@mirage/db";
import { listOutboundMessages } from "@mirage/db/outbound-messages";
import postgres from "postgres";
import { benchDatabase, intArg, median } from "../lib.ts";

const ORGS = 100;
const PER_ORG = 10_000;
const DB = "mirage_bench_messages";
const { values } = parseArgs({ options: { runs: { type: "string" }, fresh: { type: "boolean", default: false } } });
const runs = intArg("runs", values.runs, 31);
const fresh = values.fresh;

async function load(): Promise<string> {
  const { created, adminUrl, appUrl } = await benchDatabase(DB, { reuse: !fresh });
  if (!created) return appUrl;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  await sql`insert into auth.users (id, email)
            select ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'u' || n || '@bench.test'
            from generate_series(1, ${ORGS}) n`;
  await sql`insert into public.organizations (id, name, slug)
            select ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid, 'Org ' || n, 'org-' || n
            from generate_series(1, ${ORGS}) n`;
  await sql`insert into public.organization_members (org_id, user_id, role)
            select ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid,
                   ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'viewer'
            from generate_series(1, ${ORGS}) n`;
  // Interleaved by org (n % ORGS) like real traffic, so one org's rows are spread over the whole table.
  // Triggers off for the bulk load only: a million pg_notify calls would measure the loader, not the listing.
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`insert into public.outbound_messages (org_id, recipient_phone, body, state, created_at)
             select ('00000000-0000-4000-9000-' || lpad((1 + n % ${ORGS})::text, 12, '0'))::uuid,
                    '+55119' || lpad(n::text, 8, '0'), 'Hello number ' || n,
                    (array['queued','sent','delivered','read','failed']::public.message_state[])[1 + n % 5],
                    now() - (n || ' seconds')::interval
             from generate_series(1, ${ORGS * PER_ORG}) n`;
  });
  await sql`vacuum analyze public.outbound_messages`;
  console.log(`loaded ${ORGS * PER_ORG} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await sql.end();
  return appUrl;
}

async function main(): Promise<void> {
  const appUrl = await load();
  const db = createDb({ url: appUrl, max: 2 });
  const orgId = "00000000-0000-4000-9000-000000000042";
  const claims = { sub: "00000000-0000-4000-8000-000000000042", role: "authenticated" as const, aud: "authenticated" };

  const viaUser = () => db.asUser(claims, (tx) => listOutboundMessages(tx, { orgId, limit: PER_ORG }));
  const viaService = () => db.asService((tx) => listOutboundMessages(tx, { orgId, limit: PER_ORG }));
  const check = [await viaUser(), await viaService()];
  if (check[0]?.length !== PER_ORG || check[1]?.length !== PER_ORG) {
    throw new Error(`expected ${PER_ORG} rows each, got ${check[0]?.length} and ${check[1]?.length}`);
  }
  for (let i = 0; i < 3; i++) await Promise.all([viaUser(), viaService()].map((p) => p));

  const user: number[] = [];
  const service: number[] = [];
  // Alternate the two so drift on a shared, noisy machine hits both equally.
  for (let i = 0; i < runs; i++) {
    for (const [fn, out] of (i % 2
      ? [
          [viaUser, user],
          [viaService, service],
        ]
      : [
          [viaService, service],
          [viaUser, user],
        ]) as [() => Promise<unknown>, number[]][]) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
  }
  const mu = median(user);
  const ms = median(service);
  console.log(`rows: ${ORGS * PER_ORG} total, ${PER_ORG} listed per call, ${runs} runs each`);
  console.log(`asUser    median ${mu.toFixed(1)} ms`);
  console.log(`asService median ${ms.toFixed(1)} ms`);
  console.log(`ratio asUser/asService ${(mu / ms).toFixed(2)} (goal ≤ 1.5)`);
  await db.close();
}

await main();
