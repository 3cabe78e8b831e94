import type { Db } from "./client.ts";
import {
  type CapsInfo,
  type ChainCandidate,
  instanceCapsInfo,
  lockPacing,
  type PacingState,
  type SentWindow,
  sentWindowCounts,
} from "./outreach.ts";

/**
 * The campaign engine's step in as few round trips as it can take (service only): its reads under the number's
 * pacing lock in one, its claim, slot and commit in another (see `asServiceBatched`), its settle in one statement.
 */

/** A candidate with what the step needs of its person (as `personForSend`), read in the candidates' statement. */
export type StepCandidate = ChainCandidate & {
  replied: boolean;
  contact: { name: string | null; phone: string; customFields: Record<string, unknown>; tags: string[] } | undefined;
};

/** What a step reads under the number's pacing lock, in one round trip (see `readForStep`). */
export type StepRead = {
  pacing: PacingState & { inFlight: boolean };
  candidates: StepCandidate[];
  sent: SentWindow;
  capsInfo?: CapsInfo;
};

const settleStatement = (db: Db, instanceId: string, next: Date, written: boolean) =>
  db`update public.outreach_senders set next_send_at = ${next},
      sends_since_break = case when ${written} then sends_since_break else greatest(0, sends_since_break - 1) end,
      updated_at = now()
    where instance_id = ${instanceId}`;

/**
 * A step's reads, started together so they leave in one write and come back in one round trip, in this order: the
 * pacing row locked (with the in-flight claim, as `lockPacingForStep`), then — under the lock — the due candidates
 * (as `dueForInstance`, each with its person's stop-on-reply verdict and contact fields, as `personForSend`), what
 * the number sent in the last hour and day (as `sentWindowCounts`) and, with `withCapsInfo`, its caps
 * (`instanceCapsInfo`). A number's very first step creates its row first (a second round trip, once).
 */
export async function readForStep(
  db: Db,
  input: {
    instanceId: string;
    now: Date;
    limit: number;
    withCapsInfo: boolean;
    maxClaimAgeMs?: number;
    /** The previous step's settle (as `settlePacing`), stored first. */
    settle?: { next: Date; written: boolean };
  },
): Promise<StepRead> {
  const { instanceId, now } = input;
  const settled = input.settle
    ? settleStatement(db, instanceId, input.settle.next, input.settle.written).execute()
    : undefined;
  const start = () => {
    // Each statement is handed to the connection in the order it is executed: the lock first.
    const lock = db<(PacingState & { inFlight: boolean })[]>`
      select next_send_at as "nextSendAt", sends_since_break as "sendsSinceBreak", break_after as "breakAfter",
        exists (select 1 from public.outbound_messages
          where instance_id = ${instanceId} and state = 'claimed' and campaign_id is not null
            and claimed_at > now() - make_interval(secs => ${(input.maxClaimAgeMs ?? 120_000) / 1000}::float8))
          as "inFlight"
      from public.outreach_senders where instance_id = ${instanceId} for update`.execute();
    const due = db<(ChainCandidate & PersonRow)[]>`
      select o.id, o.org_id as "orgId", o.campaign_id as "campaignId", o.contact_id as "contactId",
        o.recipient_phone as "recipientPhone", o.recipient_lid as "recipientLid", o.body, o.variation,
        o.scheduled_at as "scheduledAt", o.created_at as "createdAt", c.timezone, c.schedule,
        c.quiet_hours as "quietHours", c.skip_holidays as "skipHolidays", c.pacing, c.caps,
        c.stop_on_reply as "stopOnReply", c.ends_at as "endsAt",
        c.stop_on_reply and exists (select 1 from public.inbound_messages i
          where i.org_id = o.org_id and i.received_at > o.created_at
            and ((o.recipient_phone is not null and i.from_phone = o.recipient_phone)
              or (o.recipient_lid is not null and i.from_lid = o.recipient_lid))) as replied,
        p.name as "personName", p.phone_e164 as "personPhone", p.custom_fields as "personFields",
        p.tags as "personTags"
      from public.outbound_messages o
      join public.campaigns c on c.id = o.campaign_id
      join public.campaign_senders s on s.campaign_id = o.campaign_id and s.instance_id = o.instance_id
      left join public.contacts p on p.id = o.contact_id
      where o.instance_id = ${instanceId} and o.state = 'queued' and o.campaign_id is not null
        and o.scheduled_at <= ${now} and c.status = 'running' and s.active
      order by o.scheduled_at, o.id
      limit ${input.limit}`.execute();
    const sent = sentWindowCounts(db, instanceId, now);
    const caps = input.withCapsInfo ? instanceCapsInfo(db, instanceId) : undefined;
    return Promise.all([lock, due, sent, caps]);
  };
  const [, first] = await Promise.all([settled, start()]);
  let [[pacing], rows, sent, capsInfo] = first;
  if (!pacing) {
    await lockPacing(db, instanceId);
    [[pacing], rows, sent, capsInfo] = await start();
    if (!pacing) throw new Error("pacing row missing");
  }
  const candidates = rows.map(({ personName, personPhone, personFields, personTags, ...c }) => ({
    ...c,
    contact:
      personPhone != null
        ? { name: personName, phone: personPhone, customFields: personFields ?? {}, tags: personTags ?? [] }
        : undefined,
  }));
  return { pacing, candidates, sent, ...(capsInfo ? { capsInfo } : {}) };
}

type PersonRow = {
  replied: boolean;
  personName: string | null;
  personPhone: string | null;
  personFields: Record<string, unknown> | null;
  personTags: string[] | null;
};

/**
 * The slot a step reserves (the pacing row's next slot, break count and draw, counting a send), written only if this
 * transaction claimed `messageId` for this instance (a claim's `claimed_at` is the transaction's `now()`): sent in
 * the same write as the claim, after it, so a claim that did not take reserves nothing.
 */
export async function reserveSlotIfClaimed(
  db: Db,
  input: { instanceId: string; messageId: number; pacing: PacingState },
): Promise<boolean> {
  const { instanceId, pacing } = input;
  const r = await db`update public.outreach_senders set next_send_at = ${pacing.nextSendAt},
      sends_since_break = ${pacing.sendsSinceBreak}, break_after = ${pacing.breakAfter}, last_sent_at = now(),
      updated_at = now()
    where instance_id = ${instanceId} and exists (select 1 from public.outbound_messages
      where id = ${input.messageId} and instance_id = ${instanceId} and state = 'claimed' and claimed_at = now())`;
  return r.count === 1;
}

/**
 * After a send attempt, in one statement: written → the next slot is `next`; nothing written → the slot reserved
 * for it is given back (`next` is now, and the send is not counted towards the break).
 */
export async function settlePacing(db: Db, instanceId: string, next: Date, written: boolean): Promise<void> {
  await settleStatement(db, instanceId, next, written);
}
