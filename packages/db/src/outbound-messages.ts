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

// ── the direct-send lane (API and inbox messages) ─────────────────────────────────────────────────────────

/** A message the send module is about to send: what it needs, nothing more. */
/**
 * Service work, committed before the socket write: the row becomes `sending` with the WhatsApp id it will carry and
 * the WhatsApp id of the recipient — unless its deadline (`expires_at`, by the database's clock) has passed, in which
 * case it becomes `cancelled` with error_code `expired` and nothing may be written. Answers `sending`, `expired`,
 * or `gone` when the row is no longer claimed by `instanceId` (cancelled by an opt-out or by a person meanwhile, or
 * handed to another number by campaign failover — which may have claimed it again: only the instance holding it may
 * write it).
 */
export async function markSending(
  db: Db,
  input: {
    id: number;
    waMessageId: string;
    recipientJid: string;
    recipientLid?: string | null;
    instanceId?: string;
    /** Only while the instance is still at this placement epoch (its host still holds it): else `gone`. */
    fence?: { instanceId: string; epoch: number };
  },
): Promise<"sending" | "expired" | "gone"> {
  const [row] = await db<{ state: TMessageState }[]>`
    update public.outbound_messages set
      state = case when expires_at <= now() then 'cancelled' else 'sending' end::public.message_state,
      error_code = case when expires_at <= now() then 'expired' else error_code end,
      wa_message_id = case when expires_at <= now() then wa_message_id else ${input.waMessageId} end,
      recipient_jid = ${input.recipientJid}, recipient_lid = coalesce(recipient_lid, ${input.recipientLid ?? null})
    where id = ${input.id} and state = 'claimed'
      ${input.instanceId ? db`and instance_id = ${input.instanceId}` : db``}
      ${
        input.fence
          ? db`and exists (select 1 from public.instances i
                           where i.id = ${input.fence.instanceId} and i.epoch = ${input.fence.epoch})`
          : db``
      }
    returning state`;
  if (!row) return "gone";
  return row.state === "sending" ? "sending" : "expired";
}

/**
 * Service work: messages still waiting (queued or claimed — nothing written to WhatsApp) whose deadline has passed
 * become `cancelled` with error_code `expired`, whatever their instance's state. Answers how many. A claimed row
 * taken here is one whose worker would cancel it at its `sending` commit anyway.
 */
export async function cancelExpiredMessages(db: Db, limit = 500): Promise<number> {
  const result = await db`
    update public.outbound_messages set state = 'cancelled', error_code = 'expired'
    where id in (select id from public.outbound_messages
                 where state in ('queued', 'claimed') and expires_at <= now()
                 order by expires_at limit ${limit} for update skip locked)`;
  return result.count;
}

export type ReceiptStatus = "server_ack" | "delivered" | "read" | "error";

const RECEIPT_MOVES: Record<ReceiptStatus, { to: TMessageState; from: TMessageState[] }> = {
  server_ack: { to: "sent", from: ["sending", "unknown"] },
  delivered: { to: "delivered", from: ["sending", "sent", "unknown"] },
  read: { to: "read", from: ["sending", "sent", "delivered", "unknown"] },
  error: { to: "failed", from: ["sending", "sent", "unknown"] },
};

/**
 * Service work: a receipt (server ack, delivered, read, or an ack error) moves the message it names forward —
 * including rows left `unknown` by a crash, which is how they are reconciled. A receipt that would move a message
 * backwards (delivered after read) changes nothing. Answers the message id when a row moved.
 */
export async function applyReceipt(
  db: Db,
  input: { instanceId: string; waMessageId: string; status: ReceiptStatus; errorCode?: string },
): Promise<{ id: number; state: TMessageState } | undefined> {
  const move = RECEIPT_MOVES[input.status];
  const [row] = await db<{ id: number; state: TMessageState }[]>`
    update public.outbound_messages set state = ${move.to},
      error_code = coalesce(${input.status === "error" ? (input.errorCode ?? "ack_error") : null}, error_code)
    where instance_id = ${input.instanceId} and wa_message_id = ${input.waMessageId}
      and state = any(${move.from}::public.message_state[])
    returning id, state`;
  return row;
}

/**
 * Service work: many receipts in one round trip (receipts arrive three per message; one transaction per receipt
 * would cost more than the send). Applied kind by kind in the order a message moves (server ack, delivered, read,
 * error), so a batch holding both "delivered" and "read" for one message ends at `read`.
 */
export async function applyReceipts(
  db: Db,
  receipts: { instanceId: string; waMessageId: string; status: ReceiptStatus; errorCode?: string }[],
): Promise<number> {
  // The statements are pipelined (sent together, run in order on the transaction's connection): one round trip.
  const statements: Promise<{ count: number }>[] = [];
  for (const status of ["server_ack", "delivered", "read", "error"] as const) {
    const group = receipts.filter((r) => r.status === status);
    if (group.length === 0) continue;
    const move = RECEIPT_MOVES[status];
    const statement = db`
      update public.outbound_messages o set state = ${move.to},
        error_code = coalesce(r.code, o.error_code)
      from unnest(${group.map((r) => r.instanceId)}::uuid[], ${group.map((r) => r.waMessageId)}::text[],
                  ${group.map((r) => (status === "error" ? (r.errorCode ?? "ack_error") : null))}::text[])
        as r(instance_id, wa_message_id, code)
      where o.instance_id = r.instance_id and o.wa_message_id = r.wa_message_id
        and o.state = any(${move.from}::public.message_state[])`;
    statements.push(statement.execute());
  }
  const results = await Promise.all(statements);
  return results.reduce((n, r) => n + r.count, 0);
}

/** Service work: a message that will not be sent (or whose write failed) ends `failed` or `skipped` with why. */
export async function finishUnsent(
  db: Db,
  input: { id: number; from: TMessageState[]; to: "failed" | "skipped"; code: string; message?: string },
): Promise<boolean> {
  const result = await db`
    update public.outbound_messages set state = ${input.to}, error_code = ${input.code},
      error_message = ${input.message ?? null},
      skip_reason = ${input.to === "skipped" ? input.code : null}
    where id = ${input.id} and state = any(${input.from}::public.message_state[])`;
  return result.count === 1;
}

/** Service work: instances (of `instanceIds`) with direct messages due now, for the lane's sweep. */
export async function instancesWithDueDirect(db: Db, instanceIds: string[]): Promise<string[]> {
  if (instanceIds.length === 0) return [];
  const rows = await db<{ instanceId: string }[]>`
    select distinct instance_id as "instanceId" from public.outbound_messages
    where instance_id = any(${instanceIds}::uuid[]) and state = 'queued' and campaign_id is null
      and scheduled_at <= now()`;
  return rows.map((r) => r.instanceId);
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
