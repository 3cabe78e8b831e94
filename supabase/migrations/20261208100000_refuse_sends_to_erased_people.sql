-- Sending to someone who was erased (POST …/contacts/{id}/erase) was accepted and then skipped as blacklisted, but
-- the accept had already stored their number again in clear: in the message row and in a new inbox conversation.
-- The accept now refuses it (`erased`: 422 recipient_erased), writing nothing. And an erasure hashes the person's
-- LID as well as their numbers (packages/db/src/blacklist.ts), so that neither a send by LID nor the send-time check
-- (private.send_block) lets them be messaged through the LID the erasure unlinked from any number.

-- Whether the number (in any form WhatsApp treats as the same line) or the LID is an erased person's: one of the
-- organization's blacklist entries holds its salted hash. Organizations that never erased anyone have no salt and
-- answer false without hashing anything. Members and trusted service work only (it reads the salt).
create or replace function private.erased_recipient(p_org uuid, p_phone text, p_lid text) returns boolean
language plpgsql stable security definer set search_path = '' as $$
declare
  v_salt bytea;
begin
  if not private.is_trusted_caller()
     and not private.has_org_role(p_org, array['owner', 'admin', 'operator', 'marketer', 'viewer']::public.org_role[]) then
    raise exception 'not a member of this organization' using errcode = '42501';
  end if;
  if p_phone is null and p_lid is null then
    return false;
  end if;
  select s.salt into v_salt from private.org_privacy_salts s where s.org_id = p_org;
  if v_salt is null then
    return false;
  end if;
  return exists (
    select 1 from public.blacklist b
     where b.org_id = p_org and b.phone_hash is not null
       and b.phone_hash = any (array(
         select encode(extensions.hmac(convert_to(v, 'UTF8'), v_salt, 'sha256'), 'hex')
           from unnest(case when p_phone is null then '{}'::text[] else private.phone_variants(p_phone) end
                       || case when p_lid is null then '{}'::text[] else array[p_lid] end) v)));
end $$;
revoke all on function private.erased_recipient(uuid, text, text) from public;
grant execute on function private.erased_recipient(uuid, text, text) to authenticated, service_role;

-- The send-time check, its hash comparison now through private.erased_recipient (the LID too).
create or replace function private.send_block(p_org uuid, p_phone text, p_lid text, p_contact uuid)
returns text language plpgsql stable security definer set search_path = '' as $$
declare
  v_phones text[] := case when p_phone is null then '{}'::text[] else private.phone_variants(p_phone) end;
begin
  if not private.is_trusted_caller()
     and not private.has_org_role(p_org, array['owner', 'admin', 'operator', 'marketer', 'viewer']::public.org_role[]) then
    raise exception 'not a member of this organization' using errcode = '42501';
  end if;
  -- By the number, or by its LID: the one the message carries, or the one Mirage learned for the number (its contact,
  -- WhatsApp's answer to the on-WhatsApp check) — someone who opted out known only by LID stays blocked when their
  -- number turns up later in a list.
  if exists (select 1 from public.blacklist b
              where b.org_id = p_org
                and (b.phone_e164 = any (v_phones)
                     or b.wa_lid in (select p_lid where p_lid is not null
                                     union select c.wa_lid from public.contacts c
                                      where c.org_id = p_org and c.phone_e164 = any (v_phones) and c.wa_lid is not null
                                     union select l.wa_lid from public.wa_id_lookups l
                                      where l.phone_e164 = any (v_phones) and l.wa_lid is not null))) then
    return 'blacklisted';
  end if;
  -- The salted hash an erasure left, of a form of the number or of the LID.
  if private.erased_recipient(p_org, p_phone, p_lid) then
    return 'blacklisted';
  end if;
  if exists (select 1 from public.contacts c
              where c.org_id = p_org and c.opted_out_at is not null
                and (c.id = p_contact or c.phone_e164 = any (v_phones))) then
    return 'opted_out';
  end if;
  return null;
end $$;
revoke all on function private.send_block(uuid, text, text, uuid) from public;
grant execute on function private.send_block(uuid, text, text, uuid) to authenticated, service_role;

-- The accept, as before, with the refusal.
create or replace function private.accept_direct_message(
  p_user uuid, p_org uuid, p_instance uuid, p_phone text, p_lid text, p_body text, p_client_ref text,
  p_request_hash text, p_typing_ms integer, p_source text, p_expires_at timestamptz, p_events_published boolean,
  p_reply_wa_id text, p_reply_required boolean, p_reply_from_me boolean, p_reply_text text
) returns table (
  outcome text, member_role public.org_role,
  instance_name text, instance_status public.instance_status, instance_reason text, worker_id text,
  instance_wa_jid text, instance_linked_phone text, instance_phone text,
  created boolean, id bigint, campaign_id uuid, contact_id uuid, recipient_phone text, recipient_lid text,
  recipient_jid text, state public.message_state, wa_message_id text, client_ref text, source text,
  error_code text, error_message text, expires_at timestamptz, reply_to jsonb, created_at timestamptz,
  updated_at timestamptz, history jsonb[],
  conversation_id uuid, conversation_status public.conversation_status, conversation_unread integer,
  conversation_assigned uuid
)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_inst record;
  v_msg public.outbound_messages;
  v_contact uuid;
  v_reply_from_me boolean;
  v_reply_text text;
begin
  if p_user is null then
    raise exception 'accept_direct_message needs the caller' using errcode = '22004';
  end if;
  -- The same rule as RLS and private.enqueue_direct_message: operators and up; marketers only from the inbox.
  select m.role into member_role from public.organization_members m where m.org_id = p_org and m.user_id = p_user;
  if member_role is null then
    outcome := 'no_org';
    return next;
    return;
  end if;
  if not (member_role in ('owner', 'admin', 'operator') or (p_source = 'inbox' and member_role = 'marketer')) then
    outcome := 'forbidden';
    return next;
    return;
  end if;
  -- Tenant isolation: the instance is looked up within the caller's organization only.
  select i.name, i.status, i.status_reason, i.worker_id, i.wa_jid, i.linked_phone_e164, i.phone_e164 into v_inst
    from public.instances i where i.id = p_instance and i.org_id = p_org;
  if not found then
    outcome := 'no_instance';
    return next;
    return;
  end if;
  instance_name := v_inst.name;
  instance_status := v_inst.status;
  instance_reason := v_inst.status_reason;
  worker_id := v_inst.worker_id;
  if v_inst.status not in ('connected', 'degraded') then
    outcome := 'unavailable';
    return next;
    return;
  end if;
  instance_wa_jid := v_inst.wa_jid;
  instance_linked_phone := v_inst.linked_phone_e164;
  instance_phone := v_inst.phone_e164;
  if p_events_published then
    -- The caller appends the message's realtime events itself (see private.notify_change).
    perform set_config('mirage.events_published', 'on', true);
  end if;
  created := false;
  if p_client_ref is not null then
    select * into v_msg from public.outbound_messages m where m.org_id = p_org and m.client_ref = p_client_ref;
  end if;
  if v_msg.id is null then
    -- A person erased at their request: the message would store their number (or LID) again, in a message row and
    -- a conversation. Refused, nothing written.
    if private.erased_recipient(p_org, p_phone, p_lid) then
      outcome := 'erased';
      return next;
      return;
    end if;
    if p_reply_wa_id is not null then
      select q.from_me, q.text into v_reply_from_me, v_reply_text from (
        select false as from_me, coalesce(im.body, '') as text from public.inbound_messages im
         where im.org_id = p_org and im.instance_id = p_instance and im.wa_message_id = p_reply_wa_id
        union all
        select true, om.body from public.outbound_messages om
         where om.org_id = p_org and om.instance_id = p_instance and om.wa_message_id = p_reply_wa_id
        limit 1) q;
      if not found then
        if p_reply_text is not null then
          v_reply_from_me := coalesce(p_reply_from_me, false);
          v_reply_text := p_reply_text;
        elsif p_reply_required then
          outcome := 'reply_not_found';
          return next;
          return;
        else
          p_reply_wa_id := null;
        end if;
      end if;
    end if;
    if p_phone is not null then
      select c.id into v_contact from public.contacts c where c.org_id = p_org and c.phone_e164 = p_phone;
    elsif p_lid is not null then
      select c.id, c.phone_e164 into v_contact, p_phone from public.contacts c
       where c.org_id = p_org and c.wa_lid = p_lid limit 1;
    end if;
    insert into public.outbound_messages as m (org_id, instance_id, contact_id, recipient_phone, recipient_lid, body,
                                               client_ref, request_hash, typing_ms, source, created_by, expires_at,
                                               reply_to_wa_id, reply_to_from_me, reply_to_text)
    values (p_org, p_instance, v_contact, p_phone, p_lid, p_body, p_client_ref, p_request_hash,
            coalesce(p_typing_ms, 0), p_source, p_user, p_expires_at,
            p_reply_wa_id, case when p_reply_wa_id is not null then v_reply_from_me end,
            case when p_reply_wa_id is not null then left(v_reply_text, 4096) end)
    on conflict (org_id, client_ref) where client_ref is not null do nothing
    returning * into v_msg;
    if v_msg.id is null then
      -- The same key won a race with this call: answer the winner.
      select * into v_msg from public.outbound_messages m where m.org_id = p_org and m.client_ref = p_client_ref;
    else
      created := true;
    end if;
  end if;
  id := v_msg.id;
  if not created and v_msg.request_hash is distinct from p_request_hash then
    outcome := 'conflict';
    return next;
    return;
  end if;
  if created then
    if p_lid is null then
      -- The common case in one statement: the thread with this number exists (what private.upsert_conversation
      -- would find and leave as it is, but for a contact it did not know yet).
      update public.conversations c set contact_id = coalesce(c.contact_id, v_contact), last_message_at = now(),
          last_message_direction = 'out', last_message_preview = left(p_body, 160)
        where c.instance_id = p_instance and c.peer_phone = p_phone
        returning c.id, c.status, c.unread_count, c.assigned_to
        into conversation_id, conversation_status, conversation_unread, conversation_assigned;
    end if;
    if conversation_id is null then
      conversation_id := private.upsert_conversation(p_org, p_instance, p_phone, p_lid, v_contact, null);
      update public.conversations c set last_message_at = now(), last_message_direction = 'out',
          last_message_preview = left(p_body, 160)
        where c.id = conversation_id
        returning c.id, c.status, c.unread_count, c.assigned_to
        into conversation_id, conversation_status, conversation_unread, conversation_assigned;
    end if;
  end if;
  outcome := 'ok';
  campaign_id := v_msg.campaign_id;
  contact_id := v_msg.contact_id;
  recipient_phone := v_msg.recipient_phone;
  recipient_lid := v_msg.recipient_lid;
  recipient_jid := v_msg.recipient_jid;
  state := v_msg.state;
  wa_message_id := v_msg.wa_message_id;
  client_ref := v_msg.client_ref;
  source := v_msg.source;
  error_code := v_msg.error_code;
  error_message := v_msg.error_message;
  expires_at := v_msg.expires_at;
  created_at := v_msg.created_at;
  updated_at := v_msg.updated_at;
  if v_msg.reply_to_wa_id is not null then
    reply_to := jsonb_build_object(
      'waMessageId', v_msg.reply_to_wa_id, 'fromMe', v_msg.reply_to_from_me, 'text', v_msg.reply_to_text);
  end if;
  history := array_remove(array[
    case when v_msg.queued_at is not null then jsonb_build_object('state', 'queued', 'at', v_msg.queued_at) end,
    case when v_msg.claimed_at is not null then jsonb_build_object('state', 'claimed', 'at', v_msg.claimed_at) end,
    case when v_msg.sending_at is not null then jsonb_build_object('state', 'sending', 'at', v_msg.sending_at) end,
    case when v_msg.unknown_at is not null then jsonb_build_object('state', 'unknown', 'at', v_msg.unknown_at) end,
    case when v_msg.sent_at is not null then jsonb_build_object('state', 'sent', 'at', v_msg.sent_at) end,
    case when v_msg.delivered_at is not null then jsonb_build_object('state', 'delivered', 'at', v_msg.delivered_at) end,
    case when v_msg.read_at is not null then jsonb_build_object('state', 'read', 'at', v_msg.read_at) end,
    case when v_msg.failed_at is not null then jsonb_build_object('state', 'failed', 'at', v_msg.failed_at) end,
    case when v_msg.cancelled_at is not null then jsonb_build_object('state', 'cancelled', 'at', v_msg.cancelled_at) end,
    case when v_msg.state = 'skipped' then jsonb_build_object('state', 'skipped', 'at', v_msg.finished_at) end
  ], null);
  return next;
end $$;
revoke all on function private.accept_direct_message(uuid, uuid, uuid, text, text, text, text, text, integer, text,
  timestamptz, boolean, text, boolean, boolean, text) from public, anon, authenticated, service_role;
-- The app role (NOINHERIT) calls it directly; it reaches nothing else in the schema.
grant usage on schema private to mirage_app;
grant execute on function private.accept_direct_message(uuid, uuid, uuid, text, text, text, text, text, integer, text,
  timestamptz, boolean, text, boolean, boolean, text) to mirage_app;
