import type { TMessageState } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type OutboundMessage = {
  id: number;
  orgId: string;
  campaignId: string | null;
  contactId: string | null;
  recipientPhone: string;
  instanceId: string | null;
  state: TMessageState;
  waMessageId: string | null;
  scheduledAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  errorCode: string | null;
  createdAt: Date;
};

const columns = (db: Db) => db`
  id, org_id as "orgId", campaign_id as "campaignId", contact_id as "contactId", recipient_phone as "recipientPhone",
  instance_id as "instanceId", state, wa_message_id as "waMessageId", scheduled_at as "scheduledAt",
  sent_at as "sentAt", delivered_at as "deliveredAt", read_at as "readAt", error_code as "errorCode",
  created_at as "createdAt"`;

export type ListOutboundMessagesInput = {
  orgId: string;
  campaignId?: string;
  state?: TMessageState;
  /** Keyset pagination: rows with id below this one (newest first). */
  beforeId?: number;
  limit: number;
};

/** Newest first, keyset-paginated. Under asUser the org filter is repeated by RLS; it also lets the index lead. */
export async function listOutboundMessages(db: Db, input: ListOutboundMessagesInput): Promise<OutboundMessage[]> {
  return db<OutboundMessage[]>`
    select ${columns(db)} from public.outbound_messages
    where org_id = ${input.orgId}
      ${input.campaignId ? db`and campaign_id = ${input.campaignId}` : db``}
      ${input.state ? db`and state = ${input.state}` : db``}
      ${input.beforeId ? db`and id < ${input.beforeId}` : db``}
    order by id desc
    limit ${input.limit}`;
}

export type NewOutboundMessage = {
  orgId: string;
  recipientPhone: string;
  body: string;
  campaignId?: string | null;
  roundId?: string | null;
  step?: number;
  contactId?: string | null;
  instanceId?: string | null;
  scheduledAt?: Date;
  clientRef?: string | null;
};

/** Service work. Duplicates of (campaign, recipient, step) or (org, client_ref) are ignored, not doubled. */
export async function enqueueOutboundMessages(db: Db, rows: NewOutboundMessage[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const values = rows.map((r) => ({
    org_id: r.orgId,
    recipient_phone: r.recipientPhone,
    body: r.body,
    campaign_id: r.campaignId ?? null,
    round_id: r.roundId ?? null,
    step: r.step ?? 1,
    contact_id: r.contactId ?? null,
    instance_id: r.instanceId ?? null,
    scheduled_at: r.scheduledAt ?? new Date(),
    client_ref: r.clientRef ?? null,
  }));
  const inserted = await db<{ id: number }[]>`
    insert into public.outbound_messages ${db(values)}
    on conflict do nothing
    returning id`;
  return inserted.map((r) => r.id);
}

/**
 * Service work, the send chain's first step: claims up to `limit` due messages of one instance.
 * SKIP LOCKED lets concurrent claimers take different rows instead of waiting on each other.
 */
export async function claimDueOutboundMessages(
  db: Db,
  input: { instanceId: string; limit: number; now?: Date },
): Promise<OutboundMessage[]> {
  return db<OutboundMessage[]>`
    update public.outbound_messages m set state = 'claimed'
    where m.id in (
      select id from public.outbound_messages
      where instance_id = ${input.instanceId} and state = 'queued' and scheduled_at <= ${input.now ?? new Date()}
      order by scheduled_at, id
      limit ${input.limit}
      for update skip locked
    )
    returning ${columns(db)}`;
}

/**
 * Service work: moves one message to a new state. The database rejects transitions that could send twice
 * (see private.outbound_transition_ok); `from` guards against racing writers.
 */
export async function transitionOutboundMessage(
  db: Db,
  input: {
    id: number;
    from: TMessageState[];
    to: TMessageState;
    waMessageId?: string;
    errorCode?: string;
    errorMessage?: string;
    skipReason?: string;
  },
): Promise<boolean> {
  const result = await db`
    update public.outbound_messages set state = ${input.to},
      wa_message_id = coalesce(${input.waMessageId ?? null}, wa_message_id),
      error_code = coalesce(${input.errorCode ?? null}, error_code),
      error_message = coalesce(${input.errorMessage ?? null}, error_message),
      skip_reason = coalesce(${input.skipReason ?? null}, skip_reason)
    where id = ${input.id} and state = any(${input.from}::public.message_state[])`;
  return result.count === 1;
}

/** Service work after a crash: rows a dead host left `sending` become `unknown` — never silently resent. */
export async function markInflightUnknown(db: Db, instanceId: string): Promise<number> {
  const result = await db`
    update public.outbound_messages set state = case when state = 'sending' then 'unknown'::public.message_state
                                                    else 'queued'::public.message_state end
    where instance_id = ${instanceId} and state in ('claimed', 'sending')`;
  return result.count;
}

/** Service: a message's state and where it belongs, for the realtime relay. */
export async function findMessageState(
  db: Db,
  id: number,
): Promise<{ state: string; campaignId: string | null; instanceId: string | null; orgId: string } | undefined> {
  const [row] = await db<{ state: string; campaignId: string | null; instanceId: string | null; orgId: string }[]>`
    select state, campaign_id as "campaignId", instance_id as "instanceId", org_id as "orgId"
    from public.outbound_messages where id = ${id}`;
  return row;
}
