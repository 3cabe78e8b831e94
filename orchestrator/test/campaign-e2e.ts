/**
 * Campaign e2e tests' common ground: a stack with one worker hosting paired numbers, and waits that last for as long
 * as a campaign makes progress (with the database's state when it stops).
 */
import { type E2eStack, pairByQr, startE2eStack } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { ReceivedMessage } from "@mirage/wa-sim";
import type postgres from "postgres";
import { inProcessOrchestrator } from "./e2e.ts";
import type { Json } from "./harness.ts";

/**
 * The real orchestrator (tick every 300 ms) over Postgres and Redis, one real worker process `worker` (sweeps every
 * 300 ms), wa-sim, and organization `org` with `accounts` (digits) paired by QR through the API as its admin, in
 * order. Answers the stack, the organization, a marketer's token and the instance id of each account. Sized for a
 * loaded 2-core machine (worker start and pairing waits of minutes).
 */
export async function startCampaignStack(opts: {
  name: string;
  org: string;
  worker: string;
  accounts: string[];
}): Promise<{ stack: E2eStack; a: OrgFixture; marketer: string; instances: string[] }> {
  const stack = await startE2eStack({
    name: opts.name,
    orgs: [opts.org],
    sim: { contactDefaults: { deliveryDelayMs: 30, readDelayMs: null } },
    orchestrator: inProcessOrchestrator({
      WEBHOOK_WORKER_ENABLED: "false",
      IMPORT_WORKER_ENABLED: "false",
      CAMPAIGN_TICK_MS: "300",
      CAMPAIGN_PROGRESS_MS: "500",
    }),
    workerEnv: { DATABASE_POOL_MAX: "8", WORKER_TTL_MS: "4000", SEND_SWEEP_MS: "300", OUTREACH_SWEEP_MS: "300" },
    workers: [opts.worker],
    // tsx compiles the worker process on start: more than a minute on a loaded machine.
    workersReadyMs: 180_000,
  });
  const [a] = stack.orgs as [OrgFixture];
  const marketer = await stack.token(a.users.marketer);
  const admin = await stack.token(a.users.admin);
  const instances: string[] = [];
  for (const [i, account] of opts.accounts.entries()) {
    instances.push(
      await pairByQr(stack, { org: a, token: admin, name: `sender-${i + 1}`, phone: account, timeoutMs: 120_000 }),
    );
  }
  return { stack, a, marketer, instances };
}

/** How a test reads its campaign: the superuser connection, the campaign through the API, its worker's liveness. */
export type CampaignWatch = {
  admin: () => postgres.Sql;
  campaignOf: (id: string) => Promise<Json>;
  workerAlive: () => boolean;
};

/**
 * Waits until `count()` reaches `n` for as long as it keeps growing: a loaded machine only slows sending down; no
 * new message for `stallMs` fails.
 */
export async function waitForCount(
  count: () => Promise<number> | number,
  n: number,
  what: string,
  stallMs = 90_000,
): Promise<void> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = await count();
    if (now >= n) return;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since > stallMs) {
      throw new Error(`${what}: stuck at ${now} of ${n} for ${stallMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits for the campaign to complete for as long as it makes progress: a loaded machine only slows it down, while a
 * campaign whose open messages (queued, claimed, sending) stop changing for `stallMs` is stuck — then the error
 * carries the database's state (see campaignDump).
 */
export async function waitForCompletion(watch: CampaignWatch, id: string, stallMs = 90_000): Promise<Json> {
  let last = "";
  let since = Date.now();
  for (;;) {
    const c = await watch.campaignOf(id);
    if (c.status === "completed") return c;
    const open = await watch.admin()<{ state: string; instance_id: string; n: number }[]>`
      select state::text, instance_id, count(*)::int as n from public.outbound_messages
      where campaign_id = ${id} and state in ('queued', 'claimed', 'sending') group by 1, 2 order by 1, 2`;
    const seen = JSON.stringify(open);
    if (seen !== last) {
      last = seen;
      since = Date.now();
    } else if (Date.now() - since > stallMs) {
      const state = await campaignDump(watch, id).catch((err: unknown) => ({ diagnoseFailed: String(err) }));
      throw new Error(`campaign stuck: nothing moved for ${stallMs} ms\n${JSON.stringify(state, null, 2)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Everything that explains a campaign that does not end: its row, its senders with their numbers' status, its
 * messages by sender and state (with the oldest of each), the numbers' pacing rows and the open messages.
 */
async function campaignDump(watch: CampaignWatch, id: string) {
  const admin = watch.admin();
  const campaign =
    await admin`select status, status_reason, resumed_at, updated_at from public.campaigns where id = ${id}`;
  const senders = await admin`
    select s.instance_id, s.active, s.inactive_reason, i.status::text as instance_status, i.status_reason, i.worker_id
    from public.campaign_senders s join public.instances i on i.id = s.instance_id where s.campaign_id = ${id}`;
  const byState = await admin`
    select instance_id, state::text, count(*)::int as n, min(scheduled_at) as first_at, max(scheduled_at) as last_at
    from public.outbound_messages where campaign_id = ${id} group by 1, 2 order by 1, 2`;
  const open = await admin`
    select id, instance_id, state::text, scheduled_at, sending_at, wa_message_id, error_code
    from public.outbound_messages where campaign_id = ${id} and state in ('queued', 'claimed', 'sending')
    order by scheduled_at limit 20`;
  const pacing = await admin`select instance_id, next_send_at, sends_since_break, break_after, last_sent_at
    from public.outreach_senders`;
  return {
    now: new Date(),
    campaign,
    senders,
    byState,
    open,
    pacing,
    workerAlive: watch.workerAlive(),
  };
}

/** Per account, the gaps (ms) between consecutive messages it delivered, in order. */
export function gapsByAccount(
  messages: ReceivedMessage[],
  accounts: string[],
  skip?: (prev: ReceivedMessage, next: ReceivedMessage) => boolean,
) {
  const out = new Map<string, number[]>();
  for (const acc of accounts) {
    const mine = messages
      .filter((m) => m.account === acc)
      .sort((x, y) => x.receivedAt.getTime() - y.receivedAt.getTime());
    const gaps: number[] = [];
    for (let i = 1; i < mine.length; i++) {
      const prev = mine[i - 1] as ReceivedMessage;
      const next = mine[i] as ReceivedMessage;
      if (!skip?.(prev, next)) gaps.push(next.receivedAt.getTime() - prev.receivedAt.getTime());
    }
    out.set(acc, gaps);
  }
  return out;
}
