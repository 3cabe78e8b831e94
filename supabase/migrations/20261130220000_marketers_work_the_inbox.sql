-- Marketers answer the people who reply to their campaigns: they work the inbox like operators — reply from the
-- conversation's instance, write and delete their own notes, tag, assign, close and reopen. Sending from an
-- instance through the API (source 'api') stays with operators and above.

alter policy conversations_insert on public.conversations
  with check (org_id in (select private.user_org_ids_with('{owner,admin,operator,marketer}'::public.org_role[])));
alter policy conversations_update on public.conversations
  using (org_id in (select private.user_org_ids_with('{owner,admin,operator,marketer}'::public.org_role[])))
  with check (org_id in (select private.user_org_ids_with('{owner,admin,operator,marketer}'::public.org_role[])));
alter policy conversations_delete on public.conversations
  using (org_id in (select private.user_org_ids_with('{owner,admin,operator,marketer}'::public.org_role[])));

alter policy conversation_notes_insert on public.conversation_notes
  with check (org_id in (select private.user_org_ids_with('{owner,admin,operator,marketer}'::public.org_role[])));
-- A note can be taken back by its author (operator or marketer), or by an admin.
alter policy conversation_notes_delete on public.conversation_notes using (
  org_id in (select private.user_org_ids_with('{owner,admin}'::public.org_role[]))
  or (author_id = (select auth.uid())
      and org_id in (select private.user_org_ids_with('{operator,marketer}'::public.org_role[]))));

-- Queues a direct message (API send or inbox reply) for an instance of the caller's organization: operators and
-- above for any source, marketers for inbox replies, or trusted service work. Otherwise as in
-- 20261130130100_messaging_functions.sql.
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
     and not private.has_org_role(p_org, array['owner', 'admin', 'operator']::public.org_role[])
     and not (p_source = 'inbox' and private.has_org_role(p_org, array['marketer']::public.org_role[])) then
    raise exception 'sending needs the operator role or above (marketers may reply from the inbox)'
      using errcode = '42501';
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
