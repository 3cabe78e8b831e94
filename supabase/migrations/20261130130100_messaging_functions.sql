-- The two write paths of messaging that users trigger or the system runs at volume, each one round trip:
-- queueing a direct message (API or inbox reply) and ingesting a batch of inbound messages.

-- Finds or creates the conversation of (instance, person), merging a LID-only thread into the phone's thread when
-- both exist and the mapping is now known. Returns its id.
create or replace function private.upsert_conversation(
  p_org uuid, p_instance uuid, p_phone text, p_lid text, p_contact uuid, p_name text
) returns uuid language plpgsql security definer set search_path = '' as $$
declare
  v_by_phone uuid;
  v_by_lid uuid;
  v_id uuid;
begin
  if p_phone is not null then
    select id into v_by_phone from public.conversations where instance_id = p_instance and peer_phone = p_phone;
  end if;
  if p_lid is not null then
    select id into v_by_lid from public.conversations where instance_id = p_instance and peer_lid = p_lid;
  end if;
  if v_by_phone is not null and v_by_lid is not null and v_by_phone <> v_by_lid then
    -- Two threads turn out to be one person: the LID thread's messages and notes join the phone's.
    update public.inbound_messages set conversation_id = v_by_phone where conversation_id = v_by_lid;
    update public.conversation_notes set conversation_id = v_by_phone where conversation_id = v_by_lid;
    update public.conversations c set unread_count = c.unread_count + l.unread_count,
        tags = (select array(select distinct unnest(c.tags || l.tags))),
        assigned_to = coalesce(c.assigned_to, l.assigned_to)
      from public.conversations l where c.id = v_by_phone and l.id = v_by_lid;
    delete from public.conversations where id = v_by_lid;
    v_by_lid := null;
  end if;
  v_id := coalesce(v_by_phone, v_by_lid);
  if v_id is null then
    insert into public.conversations (org_id, instance_id, contact_id, peer_phone, peer_lid, peer_name)
    values (p_org, p_instance, p_contact, p_phone, p_lid, p_name)
    on conflict do nothing
    returning id into v_id;
    if v_id is null then
      -- A concurrent writer created it between the lookup and the insert.
      select id into v_id from public.conversations
       where instance_id = p_instance and (peer_phone = p_phone or peer_lid = p_lid) limit 1;
    end if;
    return v_id;
  end if;
  update public.conversations set
      peer_phone = coalesce(peer_phone, p_phone),
      peer_lid = coalesce(peer_lid, p_lid),
      contact_id = coalesce(contact_id, p_contact),
      peer_name = coalesce(p_name, peer_name)
    where id = v_id
      and (peer_phone is distinct from coalesce(peer_phone, p_phone) or peer_lid is distinct from coalesce(peer_lid, p_lid)
           or contact_id is distinct from coalesce(contact_id, p_contact) or peer_name is distinct from coalesce(p_name, peer_name));
  return v_id;
end $$;
revoke all on function private.upsert_conversation(uuid, uuid, text, text, uuid, text) from public, anon, authenticated;
grant execute on function private.upsert_conversation(uuid, uuid, text, text, uuid, text) to service_role;

-- Queues a direct message (API send or inbox reply) for an instance of the caller's organization. Operators and
-- above, or trusted service work. Idempotent on the client reference: a second call with the same reference
-- creates nothing and answers the first row with created = false (the caller compares request hashes).
create or replace function private.enqueue_direct_message(
  p_org uuid, p_instance uuid, p_phone text, p_lid text, p_body text, p_client_ref text, p_request_hash text,
  p_typing_ms integer, p_source text
) returns table (message_id bigint, created boolean, stored_hash text, conversation_id uuid)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_id bigint;
  v_hash text;
  v_contact uuid;
  v_conversation uuid;
begin
  if not private.is_trusted_caller()
     and not private.has_org_role(p_org, array['owner', 'admin', 'operator']::public.org_role[]) then
    raise exception 'sending needs the operator role or above' using errcode = '42501';
  end if;
  if not exists (select 1 from public.instances i where i.id = p_instance and i.org_id = p_org) then
    raise exception 'instance not found' using errcode = 'P0002';
  end if;
  if p_client_ref is not null then
    select m.id, m.request_hash into v_id, v_hash from public.outbound_messages m
     where m.org_id = p_org and m.client_ref = p_client_ref;
    if v_id is not null then
      return query select v_id, false, v_hash,
        (select c.id from public.conversations c where c.instance_id = p_instance
           and (c.peer_phone = p_phone or c.peer_lid = p_lid) limit 1);
      return;
    end if;
  end if;
  if p_phone is not null then
    select c.id into v_contact from public.contacts c where c.org_id = p_org and c.phone_e164 = p_phone;
  elsif p_lid is not null then
    select c.id, c.phone_e164 into v_contact, p_phone from public.contacts c where c.org_id = p_org and c.wa_lid = p_lid
     limit 1;
  end if;
  insert into public.outbound_messages (org_id, instance_id, contact_id, recipient_phone, recipient_lid, body,
                                        client_ref, request_hash, typing_ms, source, created_by)
  values (p_org, p_instance, v_contact, p_phone, p_lid, p_body, p_client_ref, p_request_hash,
          coalesce(p_typing_ms, 0), p_source, auth.uid())
  on conflict (org_id, client_ref) where client_ref is not null do nothing
  returning id into v_id;
  if v_id is null then
    -- The same reference won a race with this call: answer the winner.
    select m.id, m.request_hash into v_id, v_hash from public.outbound_messages m
     where m.org_id = p_org and m.client_ref = p_client_ref;
    return query select v_id, false, v_hash, null::uuid;
    return;
  end if;
  v_conversation := private.upsert_conversation(p_org, p_instance, p_phone, p_lid, v_contact, null);
  update public.conversations set last_message_at = now(), last_message_direction = 'out',
      last_message_preview = left(p_body, 160)
    where id = v_conversation;
  return query select v_id, true, p_request_hash, v_conversation;
end $$;
revoke all on function private.enqueue_direct_message(uuid, uuid, text, text, text, text, text, integer, text) from public;
grant execute on function private.enqueue_direct_message(uuid, uuid, text, text, text, text, text, integer, text)
  to authenticated, service_role;

-- Service work: stores a batch of inbound texts once each (the WhatsApp id per instance dedupes reconnects and
-- replays), resolves each sender to one contact and one conversation, links replies to the message they answer,
-- applies opt-outs (blacklist by phone and LID, consent withdrawn, waiting messages cancelled), and writes the
-- message:inbound webhook in the same transaction. Answers one row per newly stored message.
--
-- p_messages: [{ org_id, instance_id, wa_message_id, from_jid, from_phone, from_lid, push_name, body,
--                received_at (the sender's timestamp, stored as wa_timestamp), opt_out_phrase }]
create or replace function private.ingest_inbound(p_messages jsonb)
returns table (
  inbound_id bigint, wa_message_id text, org_id uuid, instance_id uuid, conversation_id uuid, contact_id uuid,
  from_phone text, from_lid text, in_reply_to_id bigint, campaign_id uuid, opted_out boolean, cancelled integer
) language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  m record;
  v_id bigint;
  v_phone text;
  v_lid text;
  v_contact uuid;
  v_conversation uuid;
  v_reply bigint;
  v_campaign uuid;
  v_cancelled integer;
begin
  if not private.is_trusted_caller() then
    raise exception 'inbound messages are written by the service only' using errcode = '42501';
  end if;
  for m in
    select * from jsonb_to_recordset(p_messages) as x(
      org_id uuid, instance_id uuid, wa_message_id text, from_jid text, from_phone text, from_lid text,
      push_name text, body text, received_at timestamptz, opt_out_phrase text)
  loop
    -- Seen before (a reconnect or a history replay delivered it again): nothing to do.
    continue when exists (select 1 from public.inbound_messages i
                          where i.instance_id = m.instance_id and i.wa_message_id = m.wa_message_id);

    v_phone := m.from_phone;
    v_lid := m.from_lid;
    v_contact := null;
    if v_phone is not null then
      select c.id, c.wa_lid into v_contact, v_lid from public.contacts c
       where c.org_id = m.org_id and c.phone_e164 = v_phone;
      if v_contact is null then
        insert into public.contacts as c (org_id, phone_e164, wa_lid, name)
        values (m.org_id, v_phone, m.from_lid, m.push_name)
        on conflict (org_id, phone_e164) do nothing
        returning c.id, c.wa_lid into v_contact, v_lid;
        if v_contact is null then
          select c.id, c.wa_lid into v_contact, v_lid from public.contacts c
           where c.org_id = m.org_id and c.phone_e164 = v_phone;
        end if;
      end if;
      -- A phone sender's LID, when Mirage learned it earlier (a send to the number), joins the two identities.
      v_lid := coalesce(m.from_lid, v_lid);
    elsif m.from_lid is not null then
      -- Known only by LID: the contact whose LID this is, when the mapping is known.
      select c.id, c.phone_e164 into v_contact, v_phone from public.contacts c
       where c.org_id = m.org_id and c.wa_lid = m.from_lid order by c.created_at limit 1;
    end if;

    v_conversation := private.upsert_conversation(m.org_id, m.instance_id, v_phone, v_lid, v_contact, m.push_name);
    -- The thread may know more than the message (a LID learned when Mirage wrote to the number first).
    select coalesce(v_phone, c.peer_phone), coalesce(v_lid, c.peer_lid) into v_phone, v_lid
      from public.conversations c where c.id = v_conversation;
    if v_contact is not null then
      update public.contacts set wa_lid = coalesce(wa_lid, v_lid), name = coalesce(name, m.push_name)
       where id = v_contact and (wa_lid is null and v_lid is not null or name is null and m.push_name is not null);
    end if;

    select o.id, o.campaign_id into v_reply, v_campaign from public.outbound_messages o
     where o.instance_id = m.instance_id
       and ((v_phone is not null and o.recipient_phone = v_phone) or (v_lid is not null and o.recipient_lid = v_lid))
       and o.state in ('sending', 'sent', 'delivered', 'read', 'unknown')
       and o.created_at > now() - interval '30 days'
     order by o.id desc limit 1;

    insert into public.inbound_messages as i (org_id, instance_id, wa_message_id, from_jid, from_phone, from_lid,
                                              push_name, body, wa_timestamp, is_opt_out, opt_out_phrase,
                                              conversation_id, contact_id, in_reply_to_id, campaign_id)
    values (m.org_id, m.instance_id, m.wa_message_id, m.from_jid, v_phone, v_lid, m.push_name, m.body,
            m.received_at, m.opt_out_phrase is not null, m.opt_out_phrase,
            v_conversation, v_contact, v_reply, v_campaign)
    on conflict on constraint inbound_messages_instance_id_wa_message_id_key do nothing
    returning i.id into v_id;
    continue when v_id is null;

    update public.conversations c set
        unread_count = c.unread_count + 1,
        last_message_at = greatest(c.last_message_at, now()),
        last_message_direction = 'in',
        last_message_preview = left(m.body, 160),
        last_inbound_at = now(),
        status = 'open'
      where c.id = v_conversation;

    v_cancelled := 0;
    if m.opt_out_phrase is not null then
      perform private.record_opt_out(m.org_id, v_phone, v_lid, v_contact, m.opt_out_phrase);
      update public.outbound_messages o set state = 'cancelled', error_code = 'opted_out'
       where o.org_id = m.org_id and o.state in ('queued', 'claimed')
         and ((v_phone is not null and o.recipient_phone = v_phone) or (v_lid is not null and o.recipient_lid = v_lid));
      get diagnostics v_cancelled = row_count;
    end if;

    perform private.write_webhook_outbox(m.org_id, 'message:inbound', jsonb_build_object(
      'messageId', v_id, 'instanceId', m.instance_id, 'conversationId', v_conversation, 'contactId', v_contact,
      'waMessageId', m.wa_message_id, 'fromPhone', v_phone, 'fromLid', v_lid, 'pushName', m.push_name,
      -- Integrations (chatbots, CRMs) act on the text itself; it is the sender's own message to this organization.
      'text', m.body, 'receivedAt', now(), 'sentAt', m.received_at, 'inReplyTo', v_reply, 'campaignId', v_campaign,
      'optOut', m.opt_out_phrase is not null));

    return query select v_id, m.wa_message_id, m.org_id, m.instance_id, v_conversation, v_contact, v_phone,
      v_lid, v_reply, v_campaign, m.opt_out_phrase is not null, v_cancelled;
  end loop;
end $$;
revoke all on function private.ingest_inbound(jsonb) from public, anon, authenticated;
grant execute on function private.ingest_inbound(jsonb) to service_role;

-- An opt-out reply: blacklist by phone and by LID (one row carries both when neither is listed yet), with source
-- opt_out, and the contact's consent withdrawn. Never removes or weakens an existing entry.
create or replace function private.record_opt_out(
  p_org uuid, p_phone text, p_lid text, p_contact uuid, p_phrase text
) returns void language plpgsql security definer set search_path = '' as $$
declare
  v_reason text := 'opt-out reply: ' || left(p_phrase, 100);
  v_phone_row uuid;
  v_lid_row uuid;
begin
  if p_phone is not null then
    select id into v_phone_row from public.blacklist where org_id = p_org and phone_e164 = p_phone;
  end if;
  if p_lid is not null then
    select id into v_lid_row from public.blacklist where org_id = p_org and wa_lid = p_lid;
  end if;
  if v_phone_row is null and v_lid_row is null then
    insert into public.blacklist (org_id, phone_e164, wa_lid, source, reason) values (p_org, p_phone, p_lid, 'opt_out', v_reason);
  elsif v_phone_row is not null and v_lid_row is null and p_lid is not null then
    update public.blacklist set wa_lid = p_lid where id = v_phone_row and wa_lid is null;
    if not found then
      insert into public.blacklist (org_id, wa_lid, source, reason) values (p_org, p_lid, 'opt_out', v_reason);
    end if;
  elsif v_lid_row is not null and v_phone_row is null and p_phone is not null then
    update public.blacklist set phone_e164 = p_phone where id = v_lid_row and phone_e164 is null;
    if not found then
      insert into public.blacklist (org_id, phone_e164, source, reason) values (p_org, p_phone, 'opt_out', v_reason);
    end if;
  end if;
  if p_contact is not null then
    update public.contacts set opted_out_at = coalesce(opted_out_at, now()) where id = p_contact;
  end if;
end $$;
revoke all on function private.record_opt_out(uuid, text, text, uuid, text) from public, anon, authenticated;
