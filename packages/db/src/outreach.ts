import type { TCampaignSchedule, TCaps, TPacing, TQuietHours } from "@mirage/contracts/campaigns";
import type { Db } from "./client.ts";

/** The send chain's queries (service only): what a number sends next, its pacing slot, caps and stop checks. */

export type ChainCandidate = {
  id: number;
  orgId: string;
  campaignId: string;
  contactId: string | null;
  recipientPhone: string | null;
  recipientLid: string | null;
  body: string;
  variation: number | null;
  scheduledAt: Date;
  createdAt: Date;
  timezone: string;
  schedule: Partial<TCampaignSchedule>;
  quietHours: Partial<TQuietHours>;
  skipHolidays: boolean;
  pacing: Partial<TPacing>;
  caps: Partial<TCaps>;
  stopOnReply: boolean;
  endsAt: Date | null;
};

/**
 * The next queued messages of running campaigns for an instance whose earliest time has come, in planned order
 * (a few, so recipients whose window is closed can be stepped over in one pass). Senders a campaign deactivated
 * (failover) are excluded.
 */
export async function dueForInstance(db: Db, instanceId: string, now: Date, limit = 5): Promise<ChainCandidate[]> {
  return db<ChainCandidate[]>`
    select o.id, o.org_id as "orgId", o.campaign_id as "campaignId", o.contact_id as "contactId",
      o.recipient_phone as "recipientPhone", o.recipient_lid as "recipientLid", o.body, o.variation,
      o.scheduled_at as "scheduledAt", o.created_at as "createdAt", c.timezone, c.schedule,
      c.quiet_hours as "quietHours", c.skip_holidays as "skipHolidays", c.pacing, c.caps,
      c.stop_on_reply as "stopOnReply", c.ends_at as "endsAt"
    from public.outbound_messages o
    join public.campaigns c on c.id = o.campaign_id
    join public.campaign_senders s on s.campaign_id = o.campaign_id and s.instance_id = o.instance_id
    where o.instance_id = ${instanceId} and o.state = 'queued' and o.campaign_id is not null
      and o.scheduled_at <= ${now} and c.status = 'running' and s.active
    order by o.scheduled_at, o.id
    limit ${limit}`;
}

/**
 * Whether the instance holds a campaign message it claimed and has not written yet (typing, or its write job still
 * waiting for a busy worker): a number sends one message at a time, whatever the clock says. Claims older than
 * `maxAgeMs` are left to the campaign tick, which queues them again.
 */
export async function hasClaimInFlight(db: Db, instanceId: string, maxAgeMs = 120_000): Promise<boolean> {
  const [row] = await db<{ yes: boolean }[]>`
    select exists (select 1 from public.outbound_messages
      where instance_id = ${instanceId} and state = 'claimed' and campaign_id is not null
        and claimed_at > now() - make_interval(secs => ${maxAgeMs / 1000}::float8)) as yes`;
  return row?.yes ?? false;
}

/** When the instance next has a queued message of a running campaign (to arm the chain's next job), or null. */
export async function nextDueAt(db: Db, instanceId: string): Promise<Date | null> {
  const [row] = await db<{ at: Date | null }[]>`
    select min(o.scheduled_at) as at from public.outbound_messages o
    join public.campaigns c on c.id = o.campaign_id
    join public.campaign_senders s on s.campaign_id = o.campaign_id and s.instance_id = o.instance_id
    where o.instance_id = ${instanceId} and o.state = 'queued' and o.campaign_id is not null
      and c.status = 'running' and s.active`;
  return row?.at ?? null;
}

/** Hosted instances with queued messages of running campaigns (the sweep that (re)arms chains). */
export async function instancesWithCampaignWork(db: Db, instanceIds: string[]): Promise<{ id: string; at: Date }[]> {
  if (instanceIds.length === 0) return [];
  return db<{ id: string; at: Date }[]>`
    select o.instance_id as id, min(o.scheduled_at) as at from public.outbound_messages o
    join public.campaigns c on c.id = o.campaign_id
    join public.campaign_senders s on s.campaign_id = o.campaign_id and s.instance_id = o.instance_id
    where o.instance_id = any(${instanceIds}::uuid[]) and o.state = 'queued' and o.campaign_id is not null
      and c.status = 'running' and s.active
    group by o.instance_id`;
}

export type PacingState = { nextSendAt: Date; sendsSinceBreak: number; breakAfter: number };

/** The instance's pacing row, locked for the transaction (created on first use). */
export async function lockPacing(db: Db, instanceId: string): Promise<PacingState> {
  const read = () => db<PacingState[]>`
    select next_send_at as "nextSendAt", sends_since_break as "sendsSinceBreak", break_after as "breakAfter"
    from public.outreach_senders where instance_id = ${instanceId} for update`;
  // The row exists from the number's first step on: one statement per step, the insert only the first time.
  const [existing] = await read();
  if (existing) return existing;
  await db`insert into public.outreach_senders (instance_id, org_id)
    select id, org_id from public.instances where id = ${instanceId}
    on conflict (instance_id) do nothing`;
  const [row] = await read();
  if (!row) throw new Error("pacing row missing");
  return row;
}

/**
 * The pacing row locked for a step (as `lockPacing`), with whether the instance holds an unwritten campaign claim
 * (as `hasClaimInFlight`) read in the same statement.
 */
export async function lockPacingForStep(
  db: Db,
  instanceId: string,
  maxClaimAgeMs = 120_000,
): Promise<PacingState & { inFlight: boolean }> {
  const read = () => db<(PacingState & { inFlight: boolean })[]>`
    select next_send_at as "nextSendAt", sends_since_break as "sendsSinceBreak", break_after as "breakAfter",
      exists (select 1 from public.outbound_messages
        where instance_id = ${instanceId} and state = 'claimed' and campaign_id is not null
          and claimed_at > now() - make_interval(secs => ${maxClaimAgeMs / 1000}::float8)) as "inFlight"
    from public.outreach_senders where instance_id = ${instanceId} for update`;
  const [existing] = await read();
  if (existing) return existing;
  await lockPacing(db, instanceId);
  const [row] = await read();
  if (!row) throw new Error("pacing row missing");
  return row;
}

/**
 * What a step needs of the person in one statement: with `stopOnReply`, whether they answered since `since`
 * (as `repliedSince`), and the contact's fields for rendering (as `contactForRender`; undefined without a contact).
 */
export async function personForSend(
  db: Db,
  input: {
    orgId: string;
    phone: string | null;
    lid: string | null;
    since: Date;
    stopOnReply: boolean;
    contactId: string | null;
  },
): Promise<{
  replied: boolean;
  contact: { name: string | null; phone: string; customFields: Record<string, unknown>; tags: string[] } | undefined;
}> {
  const [row] = await db<
    {
      replied: boolean;
      name: string | null;
      phone: string | null;
      customFields: Record<string, unknown> | null;
      tags: string[] | null;
    }[]
  >`
    select ${input.stopOnReply}::boolean and exists (select 1 from public.inbound_messages i
        where i.org_id = ${input.orgId} and i.received_at > ${input.since}
          and ((${input.phone}::text is not null and i.from_phone = ${input.phone})
            or (${input.lid}::text is not null and i.from_lid = ${input.lid}))) as replied,
      c.name, c.phone_e164 as phone, c.custom_fields as "customFields", c.tags
    from (select 1) one
    left join public.contacts c on c.id = ${input.contactId}::uuid`;
  const contact =
    row?.phone != null
      ? { name: row.name, phone: row.phone, customFields: row.customFields ?? {}, tags: row.tags ?? [] }
      : undefined;
  return { replied: row?.replied ?? false, contact };
}

/** What the instance sent in the last hour and day (every campaign and direct sends), and the oldest of each. */
export type SentWindow = { hour: number; day: number; oldestHour: Date | null; oldestDay: Date | null };

export async function sentWindowCounts(db: Db, instanceId: string, now: Date): Promise<SentWindow> {
  const [row] = await db<{ hour: number; day: number; oldestHour: Date | null; oldestDay: Date | null }[]>`
    select count(*) filter (where sending_at > ${now}::timestamptz - interval '1 hour')::int as hour,
      count(*)::int as day,
      min(sending_at) filter (where sending_at > ${now}::timestamptz - interval '1 hour') as "oldestHour",
      min(sending_at) as "oldestDay"
    from public.outbound_messages
    where instance_id = ${instanceId} and sending_at > ${now}::timestamptz - interval '24 hours'`;
  return row ?? { hour: 0, day: 0, oldestHour: null, oldestDay: null };
}

/**
 * When a number's sends of the last 24 hours went (every campaign and direct sends), oldest first, and its pacing
 * slot: what the dry run paces its next sends against (the caps count these with the ones it plans).
 */
export async function recentSends(db: Db, instanceId: string, now: Date): Promise<{ sent: Date[]; slot: Date | null }> {
  const [sent, [pacing]] = await Promise.all([
    db<{ at: Date }[]>`select sending_at as at from public.outbound_messages
      where instance_id = ${instanceId} and sending_at > ${now}::timestamptz - interval '24 hours'
      order by sending_at limit 100000`,
    db<{ at: Date }[]>`select next_send_at as at from public.outreach_senders where instance_id = ${instanceId}`,
  ]);
  return { sent: sent.map((r) => r.at), slot: pacing?.at ?? null };
}

/** Pairing age and caps of an instance. */
export type CapsInfo = { hourlyCap: number | null; dailyCap: number | null; pairedAt: Date | null };

export async function instanceCapsInfo(db: Db, instanceId: string): Promise<CapsInfo> {
  const [row] = await db<{ hourlyCap: number | null; dailyCap: number | null; pairedAt: Date | null }[]>`
    select hourly_cap as "hourlyCap", daily_cap as "dailyCap",
      (select min(e.created_at) from public.instance_events e where e.instance_id = i.id and e.to_status = 'connected')
        as "pairedAt"
    from public.instances i where i.id = ${instanceId}`;
  return row ?? { hourlyCap: null, dailyCap: null, pairedAt: null };
}

/** Moves a queued message's earliest time (its recipient's window is closed until then). */
export async function postpone(db: Db, id: number, until: Date): Promise<void> {
  await db`update public.outbound_messages set scheduled_at = ${until} where id = ${id} and state = 'queued'`;
}

/** Ends a queued message `skipped` with a reason without claiming it (nothing was sent). */
export async function skipQueued(db: Db, id: number, reason: string): Promise<boolean> {
  const r =
    await db`update public.outbound_messages set state = 'skipped', skip_reason = ${reason}, error_code = ${reason}
    where id = ${id} and state = 'queued'`;
  return r.count === 1;
}

/**
 * Whether the person answered (any message of this organization's numbers) since `since`: stop-on-reply, checked
 * at send time so a reply that came after planning is honoured.
 */
export async function repliedSince(
  db: Db,
  input: { orgId: string; phone: string | null; lid: string | null; since: Date },
): Promise<boolean> {
  const [row] = await db<{ yes: boolean }[]>`
    select exists (select 1 from public.inbound_messages i
      where i.org_id = ${input.orgId} and i.received_at > ${input.since}
        and ((${input.phone}::text is not null and i.from_phone = ${input.phone})
          or (${input.lid}::text is not null and i.from_lid = ${input.lid}))) as yes`;
  return row?.yes ?? false;
}

/**
 * Whether a campaign is still running and, with `instanceId`, that number is still one of its active senders
 * (checked again after the claim and before the write: pause, cancel, failover and removal take effect at once).
 */
export async function campaignRunning(db: Db, campaignId: string, instanceId?: string): Promise<boolean> {
  const [row] = await db<{ yes: boolean }[]>`
    select exists (select 1 from public.campaigns where id = ${campaignId} and status = 'running')
      and (${instanceId ?? null}::uuid is null or exists (select 1 from public.campaign_senders
        where campaign_id = ${campaignId} and instance_id = ${instanceId ?? null}::uuid and active)) as yes`;
  return row?.yes ?? false;
}

/**
 * Stores the text as rendered for this person on the claimed row (what is sent is what is stored); with
 * `instanceId`, only on that instance's claim.
 */
export async function setRenderedBody(db: Db, id: number, body: string, instanceId?: string): Promise<boolean> {
  const r = await db`update public.outbound_messages set body = ${body}
    where id = ${id} and state = 'claimed' and (${instanceId ?? null}::uuid is null or instance_id = ${instanceId ?? null}::uuid)`;
  return r.count === 1;
}

/** The contact's fields for rendering. */
export async function contactForRender(
  db: Db,
  contactId: string,
): Promise<{ name: string | null; phone: string; customFields: Record<string, unknown>; tags: string[] } | undefined> {
  const [row] = await db<
    { name: string | null; phone: string; customFields: Record<string, unknown>; tags: string[] }[]
  >`
    select name, phone_e164 as phone, custom_fields as "customFields", tags from public.contacts where id = ${contactId}`;
  return row;
}

/** Holidays (yyyy-MM-dd) of an organization's calendar for `country` (and for every country) near `at`. */
export async function holidaySet(db: Db, orgId: string, country: string | null, at: Date): Promise<Set<string>> {
  const rows = await db<{ day: string }[]>`
    select to_char(day, 'YYYY-MM-DD') as day from public.holidays
    where org_id = ${orgId} and (country_code is null or country_code = ${country})
      and day between (${at}::timestamptz - interval '2 days')::date and (${at}::timestamptz + interval '30 days')::date`;
  return new Set(rows.map((r) => r.day));
}

/**
 * The campaign reached its caps on this number: its queued messages there wait until `until` (one statement). Only
 * this campaign's: another campaign on the number has caps of its own, and the number's pacing row, shared by every
 * campaign, is not held by it. A later edit of the caps, or a resume, plans the times again (`replanTimes`).
 */
export async function postponeCampaignOnSender(
  db: Db,
  input: { campaignId: string; instanceId: string; until: Date },
): Promise<number> {
  const r = await db`update public.outbound_messages set scheduled_at = ${input.until}
    where campaign_id = ${input.campaignId} and instance_id = ${input.instanceId} and state = 'queued'
      and scheduled_at < ${input.until}`;
  return r.count;
}

/** A campaign message this instance claimed and is typing (the chain's write step), with what its guard needs. */
export type ClaimedCampaignMessage = {
  id: number;
  orgId: string;
  instanceId: string;
  campaignId: string;
  contactId: string | null;
  recipientPhone: string | null;
  recipientLid: string | null;
  body: string;
  typingMs: number;
  state: "claimed";
  stopOnReply: boolean;
  createdAt: Date;
  /** The campaign is running and this number is still one of its active senders. */
  running: boolean;
  /** With stop-on-reply, the person answered any of the organization's numbers since the message was planned. */
  replied: boolean;
};

/**
 * The message `id` if `instanceId` still holds its claim (not released, moved or cancelled meanwhile), with the
 * campaign's checks at write time answered in the same round trip (running, sender active, replied).
 */
export async function claimedCampaignMessage(
  db: Db,
  id: number,
  instanceId: string,
): Promise<ClaimedCampaignMessage | undefined> {
  const [row] = await db<ClaimedCampaignMessage[]>`
    select o.id, o.org_id as "orgId", o.instance_id as "instanceId", o.campaign_id as "campaignId",
      o.contact_id as "contactId", o.recipient_phone as "recipientPhone", o.recipient_lid as "recipientLid", o.body,
      o.typing_ms as "typingMs", o.state, c.stop_on_reply as "stopOnReply", o.created_at as "createdAt",
      c.status = 'running' and coalesce(s.active, false) as running,
      c.stop_on_reply and exists (select 1 from public.inbound_messages i
        where i.org_id = o.org_id and i.received_at > o.created_at
          and ((o.recipient_phone is not null and i.from_phone = o.recipient_phone)
            or (o.recipient_lid is not null and i.from_lid = o.recipient_lid))) as replied
    from public.outbound_messages o join public.campaigns c on c.id = o.campaign_id
    left join public.campaign_senders s on s.campaign_id = o.campaign_id and s.instance_id = o.instance_id
    where o.id = ${id} and o.instance_id = ${instanceId} and o.state = 'claimed'`;
  return row;
}
