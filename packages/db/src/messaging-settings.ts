import type { Db } from "./client.ts";

/**
 * What messaging needs besides messages: the organization's opt-out words, the send-time blacklist check, and the
 * cache of on-WhatsApp lookups. (Opt-out writes happen inside private.ingest_inbound, in the message's transaction.)
 */

export type OptOutSettings = { words: string[]; useDefaults: boolean };

const DEFAULT_SETTINGS: OptOutSettings = { words: [], useDefaults: true };

export async function getOptOutSettings(db: Db, orgId: string): Promise<OptOutSettings> {
  const [row] = await db<OptOutSettings[]>`
    select opt_out_words as words, opt_out_use_defaults as "useDefaults"
    from public.messaging_settings where org_id = ${orgId}`;
  return row ?? DEFAULT_SETTINGS;
}

/** Service work: the settings of several organizations at once (workers cache them). */
export async function getOptOutSettingsMany(db: Db, orgIds: string[]): Promise<Map<string, OptOutSettings>> {
  const out = new Map<string, OptOutSettings>(orgIds.map((id) => [id, DEFAULT_SETTINGS]));
  if (orgIds.length === 0) return out;
  const rows = await db<(OptOutSettings & { orgId: string })[]>`
    select org_id as "orgId", opt_out_words as words, opt_out_use_defaults as "useDefaults"
    from public.messaging_settings where org_id = any(${orgIds}::uuid[])`;
  for (const r of rows) out.set(r.orgId, { words: r.words, useDefaults: r.useDefaults });
  return out;
}

/** Under asUser (marketers, admins, owners: RLS decides). Fields left undefined keep their value. */
export async function updateOptOutSettings(
  db: Db,
  orgId: string,
  patch: Partial<OptOutSettings>,
): Promise<OptOutSettings> {
  const [row] = await db<OptOutSettings[]>`
    insert into public.messaging_settings (org_id, opt_out_words, opt_out_use_defaults)
    values (${orgId}, ${patch.words ?? []}, ${patch.useDefaults ?? true})
    on conflict (org_id) do update set
      opt_out_words = coalesce(${patch.words ?? null}::text[], messaging_settings.opt_out_words),
      opt_out_use_defaults = coalesce(${patch.useDefaults ?? null}::boolean, messaging_settings.opt_out_use_defaults)
    returning opt_out_words as words, opt_out_use_defaults as "useDefaults"`;
  if (!row) throw new Error("messaging settings not written");
  return row;
}

/**
 * Why a person must not be messaged, checked at send time (private.send_block): a blacklist entry naming any form of
 * the number (a Brazilian mobile with or without the ninth digit), its LID, or the salted hash an erasure left; or a
 * contact who withdrew consent. Undefined when nothing blocks. Members of the organization or service work.
 */
export async function findSendBlock(
  db: Db,
  input: { orgId: string; phone: string | null; lid: string | null; contactId: string | null },
): Promise<"blacklisted" | "opted_out" | undefined> {
  const [row] = await db<{ reason: "blacklisted" | "opted_out" | null }[]>`
    select private.send_block(${input.orgId}, ${input.phone}::text, ${input.lid}::text, ${input.contactId}::uuid)
      as reason`;
  return row?.reason ?? undefined;
}

export type WaLookup = { phone: string; onWhatsApp: boolean; jid: string | null; lid: string | null; checkedAt: Date };

/** Service work: the last on-WhatsApp answer for a number, if younger than `maxAgeMs`. */
export async function findWaLookup(db: Db, phone: string, maxAgeMs: number): Promise<WaLookup | undefined> {
  const [row] = await db<WaLookup[]>`
    select phone_e164 as phone, on_whatsapp as "onWhatsApp", wa_jid as jid, wa_lid as lid, checked_at as "checkedAt"
    from public.wa_id_lookups
    where phone_e164 = ${phone} and checked_at > now() - make_interval(secs => ${maxAgeMs / 1000})`;
  return row;
}

/**
 * Service work: stores on-WhatsApp answers (one statement for all; a phone given twice keeps its last answer). A known
 * LID is never erased by an answer without one.
 */
export async function saveWaLookups(db: Db, lookups: ReadonlyArray<Omit<WaLookup, "checkedAt">>): Promise<void> {
  const last = new Map<string, Omit<WaLookup, "checkedAt">>();
  for (const l of lookups) {
    const lid = last.get(l.phone)?.lid;
    last.set(l.phone, l.onWhatsApp && !l.lid && lid ? { ...l, lid } : l);
  }
  if (last.size === 0) return;
  const rows = [...last.values()];
  await db`
    insert into public.wa_id_lookups (phone_e164, on_whatsapp, wa_jid, wa_lid, checked_at)
    select r.phone, r."onWhatsApp", r.jid, r.lid, now()
    from jsonb_to_recordset(${db.json(rows as never)}::jsonb) as r(phone text, "onWhatsApp" boolean, jid text, lid text)
    on conflict (phone_e164) do update set on_whatsapp = excluded.on_whatsapp, wa_jid = excluded.wa_jid,
      wa_lid = coalesce(excluded.wa_lid, wa_id_lookups.wa_lid), checked_at = now()`;
}

/**
 * Service work: a number's LID learned while sending. It joins the two identities wherever Mirage keeps them — the
 * organization's contact, the sent message, and the instance's conversation with the person (a thread that so far
 * knew only the LID is merged into the phone's) — so a later message from the LID alone finds its conversation.
 */
export async function rememberPeerLid(
  db: Db,
  input: { orgId: string; instanceId: string; phone: string; lid: string; messageId?: number },
): Promise<void> {
  // Every statement is handed over at once (none depends on another's answer): inside a pipelined transaction
  // (`asServicePipelined`, the `sending` commit) they must all be issued before its commit is queued.
  await Promise.all([
    db`
      update public.contacts set wa_lid = ${input.lid}
      where org_id = ${input.orgId} and phone_e164 = ${input.phone} and wa_lid is null`.execute(),
    input.messageId
      ? db`update public.outbound_messages set recipient_lid = ${input.lid}
           where id = ${input.messageId} and recipient_lid is null`.execute()
      : undefined,
    db`
      select private.upsert_conversation(${input.orgId}, ${input.instanceId}, ${input.phone}, ${input.lid}, null, null)
      where exists (select 1 from public.conversations
                    where instance_id = ${input.instanceId} and (peer_phone = ${input.phone} or peer_lid = ${input.lid}))`.execute(),
  ]);
}
