-- Reactions, edits and deletions from the people an instance talks to were dropped: a 👍 to a campaign's offer did
-- not reach the inbox, an edited "quero 2" kept saying "quero 1", and a message the sender deleted for everyone
-- stayed readable as if nothing happened.
--
-- * A reaction is stored as an inbound message of its own (`message_type` 'reaction', the emoji as its body, empty
--   when the person took their reaction back), linked like a reply to the message it reacts to (`reply_to_*`; a
--   reaction to a campaign's message counts as the person answering it).
-- * An edit replaces the body of the message it edits and stamps `edited_at`; a deletion for everyone empties it
--   and stamps `deleted_at`, as WhatsApp shows it ("this message was deleted"), and empties the quotes of it that
--   replies and reactions carry. Only the sender's own messages in
--   their own chat are changed (a forged id naming another chat's message changes nothing); applying one twice
--   (a replay) changes nothing more. Each change is pushed to the inbox and written to `message:updated` webhooks.
--   An edit whose new text says stop (the opt-out words) opts the person out, as a reply saying it would.

alter table public.inbound_messages drop constraint inbound_messages_message_type_check;
alter table public.inbound_messages
  add constraint inbound_messages_message_type_check check (message_type in (
    'text', 'image', 'video', 'audio', 'voice', 'document', 'sticker', 'location', 'contact', 'reaction'));

alter table public.inbound_messages
  add column edited_at timestamptz,
  add column deleted_at timestamptz,
  -- The instance's own reaction to the message (sent from the inbox or the API), as the person's phone shows it.
  add column my_reaction text check (length(my_reaction) <= 32);

-- The replies and reactions quoting a message, found when it is deleted (its text leaves their quotes too).
create index inbound_messages_reply_to_idx on public.inbound_messages (instance_id, reply_to_wa_id)
  where reply_to_wa_id is not null;
create index outbound_messages_reply_to_idx on public.outbound_messages (instance_id, reply_to_wa_id)
  where reply_to_wa_id is not null;

-- A reaction's preview is its emoji (the chat list shows what came last), or nothing when it was taken back.
create or replace function private.inbound_preview(p_type text, p_body text) returns text
language sql immutable set search_path = '' as $$
  select left(case p_type
      when 'text' then coalesce(p_body, '')
      when 'reaction' then coalesce(p_body, '')
      else concat_ws(' ', case p_type
          when 'image' then '📷' when 'video' then '🎥' when 'audio' then '🎵' when 'voice' then '🎤'
          when 'document' then '📄' when 'sticker' then '💟' when 'location' then '📍' when 'contact' then '👤'
          else '📎' end,
        nullif(p_body, ''))
    end, 160)
$$;

-- Applies a batch of edits and deletions (service only). `p_changes`: [{ instance_id, wa_message_id (the message
-- changed), from_phone, from_lid (who asks: the change applies only to their own message), change ('edited' |
-- 'deleted'), body (the new text of an edit), at, opt_out_phrase (the opt-out words an edit's text matched) }].
-- Answers one row per message actually changed.
create or replace function private.apply_inbound_changes(p_changes jsonb)
returns table (inbound_id bigint, org_id uuid, instance_id uuid, conversation_id uuid, change text)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_changed public.inbound_messages[];
  r record;
begin
  if not private.is_trusted_caller() then
    raise exception 'inbound messages are written by the service only' using errcode = '42501';
  end if;

  with wanted as (
    select distinct on (x.instance_id, x.wa_message_id) x.*
      from jsonb_to_recordset(p_changes) as x(instance_id uuid, wa_message_id text, from_phone text, from_lid text,
                                               change text, body text, at timestamptz, opt_out_phrase text)
     where x.change in ('edited', 'deleted')
     -- A deletion wins over an edit of the same message in the batch; else the latest edit.
     order by x.instance_id, x.wa_message_id, (x.change = 'deleted') desc, x.at desc
  ), changed as (
    update public.inbound_messages m set
        body = case when w.change = 'deleted' then '' else left(coalesce(w.body, ''), 65536) end,
        edited_at = case when w.change = 'edited' then coalesce(w.at, now()) else m.edited_at end,
        deleted_at = case when w.change = 'deleted' then coalesce(w.at, now()) else m.deleted_at end,
        is_opt_out = m.is_opt_out or (w.change = 'edited' and w.opt_out_phrase is not null),
        opt_out_phrase = coalesce(m.opt_out_phrase, case when w.change = 'edited' then w.opt_out_phrase end)
      from wanted w
     where m.instance_id = w.instance_id and m.wa_message_id = w.wa_message_id
       and ((w.from_phone is not null and m.from_phone = w.from_phone)
            or (w.from_lid is not null and m.from_lid = w.from_lid))
       -- Nothing edits a deleted message back, and a replayed change changes nothing more.
       and m.deleted_at is null
       and (w.change = 'deleted' or m.body is distinct from left(coalesce(w.body, ''), 65536))
    returning m.*
  )
  select array_agg(c order by c.id) into v_changed from changed c;
  if v_changed is null then
    return;
  end if;

  -- A message deleted for everyone does not live on in the quotes of the replies and reactions that named it, the
  -- person's or the number's own.
  update public.inbound_messages q set reply_to_text = ''
    from unnest(v_changed) d
   where d.deleted_at is not null and q.instance_id = d.instance_id and q.reply_to_wa_id = d.wa_message_id
     and q.reply_to_text <> '';
  update public.outbound_messages q set reply_to_text = ''
    from unnest(v_changed) d
   where d.deleted_at is not null and q.instance_id = d.instance_id and q.reply_to_wa_id = d.wa_message_id
     and q.reply_to_text <> '';

  -- An edit that says stop, as a reply saying it: the person opted out, what waited for them cancelled. (A message
  -- that already said stop stays an opt-out, whatever it was edited or deleted into.)
  for r in
    select m.org_id, m.from_phone, m.from_lid, m.contact_id, m.opt_out_phrase
      from unnest(v_changed) m
      join jsonb_to_recordset(p_changes) as x(instance_id uuid, wa_message_id text, change text, opt_out_phrase text)
        on x.instance_id = m.instance_id and x.wa_message_id = m.wa_message_id
     where x.change = 'edited' and x.opt_out_phrase is not null and m.deleted_at is null
     order by m.id
  loop
    perform private.record_opt_out(r.org_id, r.from_phone, r.from_lid, r.contact_id, r.opt_out_phrase);
    update public.outbound_messages o set state = 'cancelled', error_code = 'opted_out'
     where o.org_id = r.org_id and o.state in ('queued', 'claimed')
       and ((r.from_phone is not null and o.recipient_phone = r.from_phone)
            or (r.from_lid is not null and o.recipient_lid = r.from_lid));
  end loop;

  -- A thread whose latest message changed shows the change in its preview; every changed thread is touched so the
  -- inbox re-reads it (conversation:changed).
  update public.conversations c set
      last_message_preview = case
        when c.last_message_direction = 'in' and not exists (
               select 1 from public.inbound_messages l
                where l.conversation_id = c.id and l.id > s.last_id)
        -- WhatsApp's chat list marks a deleted message the same way in every language.
        then case when s.deleted then '🚫' else private.inbound_preview(s.message_type, s.body) end
        else c.last_message_preview end,
      updated_at = now()
    from (select distinct on (m.conversation_id) m.conversation_id, m.id as last_id, m.message_type, m.body,
                 m.deleted_at is not null as deleted
            from unnest(v_changed) m where m.conversation_id is not null
           order by m.conversation_id, m.id desc) s
   where c.id = s.conversation_id;

  insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload)
  select m.org_id, e.id, 'message:updated', jsonb_build_object(
      'messageId', m.id, 'instanceId', m.instance_id, 'conversationId', m.conversation_id, 'contactId', m.contact_id,
      'waMessageId', m.wa_message_id, 'fromPhone', m.from_phone, 'fromLid', m.from_lid,
      'change', case when m.deleted_at is not null then 'deleted' else 'edited' end,
      'text', case when m.deleted_at is null then m.body end,
      'editedAt', m.edited_at, 'deletedAt', m.deleted_at)
    from unnest(v_changed) m
    join public.webhook_endpoints e
      on e.org_id = m.org_id and e.enabled
     and (cardinality(e.events) = 0 or 'message:updated' = any (e.events))
     and (e.instance_id is null or e.instance_id = m.instance_id)
   order by m.id, e.id;

  return query
    select m.id, m.org_id, m.instance_id, m.conversation_id,
           case when m.deleted_at is not null then 'deleted' else 'edited' end
      from unnest(v_changed) m order by m.id;
end $$;
revoke all on function private.apply_inbound_changes(jsonb) from public, anon, authenticated;
grant execute on function private.apply_inbound_changes(jsonb) to service_role;
