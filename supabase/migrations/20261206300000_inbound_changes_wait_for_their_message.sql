-- An edit or a deletion that arrives before the message it changes was dropped: a history replay after a reconnect
-- can deliver a person's "quero 2" correction, or their deletion for everyone, ahead of the message itself, which
-- then stayed as first written (or readable) for good.
--
-- * Such a change now waits in `inbound_pending_changes` (service only, like the messages it will change): per
--   instance, message, kind and sender, the latest edit kept; at most a week, 100 per sender and 1,000 per instance.
-- * private.ingest_inbound applies what waited for the messages it stores, in the same transaction, through
--   private.apply_inbound_changes: the same rules as a change arriving after its message (only the sender's own
--   message in their own chat; a deletion wins and nothing edits a deleted message back; a replay changes nothing
--   more; an edit saying stop opts out), the same `message:updated` webhook and inbox update.
-- * `message:updated` payloads name the message's type (`messageType`), so webhook formats that show the edited
--   content by kind (Evolution's `editedMessage`) can.
--
-- private.apply_inbound_changes as in 20261205500000 and private.ingest_inbound as in 20261205500100, with only the
-- parts above added.

create table public.inbound_pending_changes (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  instance_id uuid not null,
  -- The message changed, and who asked: only that sender's own message will be changed.
  wa_message_id text not null check (length(wa_message_id) between 1 and 128),
  from_phone text,
  from_lid text,
  change text not null check (change in ('edited', 'deleted')),
  -- An edit's new text and the opt-out words it matched, if any.
  body text check (length(body) <= 65536),
  opt_out_phrase text,
  at timestamptz not null,
  created_at timestamptz not null default now(),
  check (from_phone is not null or from_lid is not null),
  foreign key (org_id, instance_id) references public.instances (org_id, id) on delete cascade
);
create unique index inbound_pending_changes_once on public.inbound_pending_changes
  (instance_id, wa_message_id, change, coalesce(from_phone, ''), coalesce(from_lid, ''));
create index inbound_pending_changes_org_idx on public.inbound_pending_changes (org_id, id);
-- Erasure finds a person's by number or LID.
create index inbound_pending_changes_from_idx on public.inbound_pending_changes (org_id, from_phone, from_lid);

-- The system's until their message arrives (then they show as the edit or deletion they are): no member reads them.
alter table public.inbound_pending_changes enable row level security;
revoke all on public.inbound_pending_changes from anon, authenticated;
grant all on public.inbound_pending_changes to service_role;

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

  -- A change naming a message this instance has not stored (yet) waits for it: a history replay after a reconnect
  -- can deliver an edit or a deletion before the message it changes. Kept per message, kind and sender (the latest
  -- edit), for the sender only, applied by private.ingest_inbound when the message arrives.
  insert into public.inbound_pending_changes as p (org_id, instance_id, wa_message_id, from_phone, from_lid, change,
                                                  body, opt_out_phrase, at)
  select distinct on (x.instance_id, x.wa_message_id, x.change, coalesce(x.from_phone, ''), coalesce(x.from_lid, ''))
         i.org_id, x.instance_id, x.wa_message_id, x.from_phone, x.from_lid, x.change,
         case when x.change = 'edited' then left(coalesce(x.body, ''), 65536) end,
         case when x.change = 'edited' then x.opt_out_phrase end, coalesce(x.at, now())
    from jsonb_to_recordset(p_changes) as x(instance_id uuid, wa_message_id text, from_phone text, from_lid text,
                                            change text, body text, at timestamptz, opt_out_phrase text)
    join public.instances i on i.id = x.instance_id
   where x.change in ('edited', 'deleted') and (x.from_phone is not null or x.from_lid is not null)
     and length(x.wa_message_id) between 1 and 128
     and not exists (select 1 from public.inbound_messages m
                      where m.instance_id = x.instance_id and m.wa_message_id = x.wa_message_id)
     -- The instance's own message is no one else's to change: a forged id naming it has nothing to wait for.
     and not exists (select 1 from public.outbound_messages o
                      where o.instance_id = x.instance_id and o.wa_message_id = x.wa_message_id)
   order by x.instance_id, x.wa_message_id, x.change, coalesce(x.from_phone, ''), coalesce(x.from_lid, ''),
            x.at desc nulls last
  on conflict (instance_id, wa_message_id, change, coalesce(from_phone, ''), coalesce(from_lid, '')) do update
    set body = excluded.body, opt_out_phrase = excluded.opt_out_phrase, at = excluded.at
    where excluded.at > p.at;
  if found then
    -- Bounded: a week at most, the newest 100 per sender and 1,000 per instance (a sender flooding changes for
    -- messages that never come evicts their own first, then the instance's oldest).
    delete from public.inbound_pending_changes p
     using (select q.id, q.created_at,
                   row_number() over (partition by q.instance_id order by q.id desc) as nth,
                   row_number() over (partition by q.instance_id, coalesce(q.from_phone, q.from_lid)
                                      order by q.id desc) as nth_of_sender
              from public.inbound_pending_changes q
             where q.instance_id in (select (x ->> 'instance_id')::uuid from jsonb_array_elements(p_changes) x)) r
     where p.id = r.id
       and (r.created_at < now() - interval '7 days' or r.nth > 1000 or r.nth_of_sender > 100);
  end if;

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
      'messageType', m.message_type,
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

create or replace function private.ingest_inbound(p_messages jsonb)
returns table (
  inbound_id bigint, wa_message_id text, org_id uuid, instance_id uuid, conversation_id uuid, contact_id uuid,
  from_phone text, from_lid text, in_reply_to_id bigint, campaign_id uuid, opted_out boolean, cancelled integer
) language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_items private.inbound_item[];
  v_peers private.inbound_peer[];
  v_stored public.inbound_messages[];
  v_cancelled jsonb := '{}';
  v_due jsonb;
  v_count integer;
  r record;
begin
  if not private.is_trusted_caller() then
    raise exception 'inbound messages are written by the service only' using errcode = '42501';
  end if;

  -- Each (instance, WhatsApp id) once, its first delivery in the batch, unless it is stored already (a reconnect
  -- or a history replay delivered it again).
  select array_agg(row(m.ord, m.org_id, m.instance_id, m.wa_message_id, m.from_jid, m.from_phone, m.from_lid,
                       m.push_name, m.body, m.received_at, m.opt_out_phrase, null, null, null, null,
                       m.reply_to_wa_id, m.reply_to_from_me, left(m.reply_to_text, 4096),
                       coalesce(m.message_type, 'text')
                      )::private.inbound_item order by m.ord)
    into v_items
    from (select distinct on (x.instance_id, x.wa_message_id) x.*
            from rows from (jsonb_to_recordset(p_messages) as (
                   org_id uuid, instance_id uuid, wa_message_id text, from_jid text, from_phone text, from_lid text,
                   push_name text, body text, received_at timestamptz, opt_out_phrase text,
                   reply_to_wa_id text, reply_to_from_me boolean, reply_to_text text, message_type text))
                 with ordinality as x(org_id, instance_id, wa_message_id, from_jid, from_phone, from_lid, push_name,
                                      body, received_at, opt_out_phrase, reply_to_wa_id, reply_to_from_me,
                                      reply_to_text, message_type, ord)
           order by x.instance_id, x.wa_message_id, x.ord) m
   where not exists (select 1 from public.inbound_messages i
                      where i.instance_id = m.instance_id and i.wa_message_id = m.wa_message_id);
  if v_items is null then
    return;
  end if;

  -- Senders with a number become contacts (sorted, so concurrent batches insert in the same order)…
  insert into public.contacts (org_id, phone_e164, wa_lid, name)
  select distinct on (i.org_id, i.from_phone) i.org_id, i.from_phone, i.from_lid, i.push_name
    from unnest(v_items) i
   where i.from_phone is not null
     and not exists (select 1 from public.contacts c where c.org_id = i.org_id and c.phone_e164 = i.from_phone)
   order by i.org_id, i.from_phone, i.ord
  on conflict (org_id, phone_e164) do nothing;
  -- …and known ones learn their LID and name when the batch carries them (before LID-only senders are resolved, so
  -- a LID-only message in the same batch finds the person).
  update public.contacts c set wa_lid = coalesce(c.wa_lid, s.lid), name = coalesce(c.name, s.name)
    from (select i.org_id, i.from_phone,
                 (array_agg(i.from_lid order by i.ord) filter (where i.from_lid is not null))[1] as lid,
                 (array_agg(i.push_name order by i.ord) filter (where i.push_name is not null))[1] as name
            from unnest(v_items) i where i.from_phone is not null group by i.org_id, i.from_phone) s
   where c.org_id = s.org_id and c.phone_e164 = s.from_phone
     and (c.wa_lid is null and s.lid is not null or c.name is null and s.name is not null);

  -- Each sender resolved: a phone sender is its contact (whose LID, when Mirage learned it earlier, joins the two
  -- identities); a LID-only sender is the contact whose LID this is, when the mapping is known.
  select array_agg(row(i.ord, i.org_id, i.instance_id, i.wa_message_id, i.from_jid, i.from_phone, i.from_lid,
                       i.push_name, i.body, i.received_at, i.opt_out_phrase,
                       coalesce(i.from_phone, cl.phone_e164),
                       case when i.from_phone is not null then coalesce(i.from_lid, cp.wa_lid) else i.from_lid end,
                       coalesce(cp.id, cl.id),
                       coalesce(i.from_phone, cl.phone_e164, i.from_lid),
                       i.reply_to_wa_id, i.reply_to_from_me, i.reply_to_text, i.message_type
                      )::private.inbound_item order by i.ord)
    into v_items
    from unnest(v_items) i
    left join public.contacts cp
      on i.from_phone is not null and cp.org_id = i.org_id and cp.phone_e164 = i.from_phone
    left join lateral (
      select c.id, c.phone_e164 from public.contacts c
       where i.from_phone is null and i.from_lid is not null and c.org_id = i.org_id and c.wa_lid = i.from_lid
       order by c.created_at limit 1) cl on true;

  -- One entry per person and instance: the first LID the batch gives them, the latest push name.
  select array_agg(row(g.org_id, g.instance_id, g.peer_key, g.phone, g.lid, g.contact_id, g.name, null, null, null
                      )::private.inbound_peer)
    into v_peers
    from (select i.org_id, i.instance_id, i.peer_key, max(i.phone) as phone,
                 (array_agg(i.lid order by i.ord) filter (where i.lid is not null))[1] as lid,
                 (array_agg(i.contact_id) filter (where i.contact_id is not null))[1] as contact_id,
                 (array_agg(i.push_name order by i.ord desc) filter (where i.push_name is not null))[1] as name
            from unnest(v_items) i group by i.org_id, i.instance_id, i.peer_key) g;

  -- Two threads that turn out to be one person (the phone's and the LID's) are merged first: rare, one at a time.
  for r in
    select g.org_id, g.instance_id, g.phone, g.lid, g.contact_id, g.name from unnest(v_peers) g
      join public.conversations bp on bp.instance_id = g.instance_id and bp.peer_phone = g.phone
      join public.conversations bl on bl.instance_id = g.instance_id and bl.peer_lid = g.lid
     where bp.id <> bl.id
  loop
    perform private.upsert_conversation(r.org_id, r.instance_id, r.phone, r.lid, r.contact_id, r.name);
  end loop;

  -- Threads for people without one (a concurrent writer may create one first: then that one is used; sorted, so two
-- writers racing on one instance wait for each other instead of deadlocking).
  insert into public.conversations (org_id, instance_id, contact_id, peer_phone, peer_lid, peer_name)
  select g.org_id, g.instance_id, g.contact_id, g.phone, g.lid, g.name
    from unnest(v_peers) g
   where not exists (select 1 from public.conversations c where c.instance_id = g.instance_id and c.peer_phone = g.phone)
     and not exists (select 1 from public.conversations c where c.instance_id = g.instance_id and c.peer_lid = g.lid)
   order by g.instance_id, g.peer_key
  on conflict do nothing;

  -- Each person's thread (the phone's first), what the thread knows more (a LID learned when Mirage wrote to the
  -- number first), and the latest message sent to them from the instance in the last 30 days: the one their
  -- messages answer. By phone and by LID separately, so each lookup walks its own index.
  select array_agg(row(g.org_id, g.instance_id, g.peer_key, coalesce(g.phone, c.peer_phone),
                       coalesce(g.lid, c.peer_lid), coalesce(g.contact_id, c.contact_id), g.name, c.id, o.id,
                       o.campaign_id)::private.inbound_peer)
    into v_peers
    from unnest(v_peers) g
    left join public.conversations c on c.id = coalesce(
      (select x.id from public.conversations x where x.instance_id = g.instance_id and x.peer_phone = g.phone),
      (select x.id from public.conversations x where x.instance_id = g.instance_id and x.peer_lid = g.lid))
    left join lateral (
      select u.id, u.campaign_id from (
        (select o.id, o.campaign_id from public.outbound_messages o
          where o.instance_id = g.instance_id and o.recipient_phone = coalesce(g.phone, c.peer_phone)
            and o.state in ('sending', 'sent', 'delivered', 'read', 'unknown')
            and o.created_at > now() - interval '30 days'
          order by o.id desc limit 1)
        union all
        (select o.id, o.campaign_id from public.outbound_messages o
          where o.instance_id = g.instance_id and o.recipient_lid = coalesce(g.lid, c.peer_lid)
            and o.state in ('sending', 'sent', 'delivered', 'read', 'unknown')
            and o.created_at > now() - interval '30 days'
          order by o.id desc limit 1)) u
      order by u.id desc limit 1) o on true;

  -- Contacts learn the LID their thread knows, and a name (senders resolved by LID or through their thread).
  update public.contacts c set wa_lid = coalesce(c.wa_lid, g.lid), name = coalesce(c.name, g.name)
    from unnest(v_peers) g
   where c.id = g.contact_id
     and (c.wa_lid is null and g.lid is not null or c.name is null and g.name is not null);

  -- The messages, in arrival order. A concurrent batch may have stored some of them since the check above: those
  -- are not returned, and nothing below happens for them.
  with stored as (
    insert into public.inbound_messages as m (org_id, instance_id, wa_message_id, from_jid, from_phone, from_lid,
                                              push_name, body, wa_timestamp, is_opt_out, opt_out_phrase,
                                              conversation_id, contact_id, in_reply_to_id, campaign_id,
                                              reply_to_wa_id, reply_to_from_me, reply_to_text, message_type)
    select i.org_id, i.instance_id, i.wa_message_id, i.from_jid, coalesce(i.phone, g.phone), coalesce(i.lid, g.lid),
           i.push_name, i.body, i.received_at, i.opt_out_phrase is not null, i.opt_out_phrase,
           g.conversation_id, coalesce(i.contact_id, g.contact_id), coalesce(q.id, g.in_reply_to_id),
           case when q.id is not null then q.campaign_id else g.campaign_id end,
           i.reply_to_wa_id, i.reply_to_from_me, i.reply_to_text, i.message_type
      from unnest(v_items) i
      join unnest(v_peers) g on g.instance_id = i.instance_id and g.peer_key = i.peer_key
      -- The message a reply quotes, when the instance sent it (its unique WhatsApp id per instance) to this very
      -- person: a quote naming another chat's message (a forged id) links nothing.
      left join public.outbound_messages q
        on i.reply_to_from_me and q.instance_id = i.instance_id and q.wa_message_id = i.reply_to_wa_id
       and (q.recipient_phone = coalesce(i.phone, g.phone) or q.recipient_lid = coalesce(i.lid, g.lid))
     order by i.ord
    on conflict on constraint inbound_messages_instance_id_wa_message_id_key do nothing
    returning m
  )
  select array_agg(s.m order by (s.m).id) into v_stored from stored s;
  if v_stored is null then
    return;
  end if;

  -- Each thread once: unread grows by what it received, the preview is its latest message by the sender's clock.
  update public.conversations c set
      unread_count = c.unread_count + s.n,
      last_message_at = greatest(c.last_message_at, now()),
      last_message_direction = 'in',
      last_message_preview = coalesce(s.preview, c.last_message_preview),
      last_inbound_at = now(),
      status = 'open',
      peer_phone = coalesce(c.peer_phone, g.phone),
      peer_lid = coalesce(c.peer_lid, g.lid),
      contact_id = coalesce(c.contact_id, g.contact_id),
      peer_name = coalesce(g.name, c.peer_name)
    -- A reaction is not a message waiting to be read, and a reaction taken back (empty) is nothing to preview.
    from (select m.conversation_id, count(*) filter (where m.message_type <> 'reaction')::integer as n,
                 (array_agg(private.inbound_preview(m.message_type, m.body)
                            order by m.wa_timestamp desc nulls last, m.id desc)
                    filter (where m.message_type <> 'reaction' or m.body <> ''))[1] as preview
            from unnest(v_stored) m where m.conversation_id is not null group by m.conversation_id) s
    join lateral (select p.phone, p.lid, p.contact_id, p.name from unnest(v_peers) p
                   where p.conversation_id = s.conversation_id limit 1) g on true
   where c.id = s.conversation_id;

  -- Opt-outs, in order (the first one cancels what waited; a second finds nothing left).
  for r in
    select m.id, m.org_id, m.from_phone, m.from_lid, m.contact_id, m.opt_out_phrase
      from unnest(v_stored) m where m.opt_out_phrase is not null order by m.id
  loop
    perform private.record_opt_out(r.org_id, r.from_phone, r.from_lid, r.contact_id, r.opt_out_phrase);
    update public.outbound_messages o set state = 'cancelled', error_code = 'opted_out'
     where o.org_id = r.org_id and o.state in ('queued', 'claimed')
       and ((r.from_phone is not null and o.recipient_phone = r.from_phone)
            or (r.from_lid is not null and o.recipient_lid = r.from_lid));
    get diagnostics v_count = row_count;
    v_cancelled := v_cancelled || jsonb_build_object(r.id::text, v_count);
  end loop;

  -- The webhook, one row per stored message and matching endpoint (the filter of private.write_webhook_outbox).
  insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload)
  select m.org_id, e.id, 'message:inbound', jsonb_build_object(
      'messageId', m.id, 'instanceId', m.instance_id, 'conversationId', m.conversation_id, 'contactId', m.contact_id,
      'waMessageId', m.wa_message_id, 'fromPhone', m.from_phone, 'fromLid', m.from_lid, 'pushName', m.push_name,
      -- Integrations (chatbots, CRMs) act on the text itself; it is the sender's own message to this organization.
      'text', m.body, 'receivedAt', now(), 'sentAt', m.wa_timestamp, 'inReplyTo', m.in_reply_to_id,
      'campaignId', m.campaign_id, 'optOut', m.is_opt_out, 'messageType', m.message_type,
      'replyTo', case when m.reply_to_wa_id is not null then jsonb_build_object(
        'waMessageId', m.reply_to_wa_id, 'fromMe', m.reply_to_from_me, 'text', m.reply_to_text) end)
    from unnest(v_stored) m
    join public.webhook_endpoints e
      on e.org_id = m.org_id and e.enabled
     and (cardinality(e.events) = 0 or 'message:inbound' = any (e.events))
     and (e.instance_id is null or e.instance_id = m.instance_id)
   order by m.id, e.id;

  -- Edits and deletions that arrived before their message apply now, after it and its webhook, under the rules of
  -- private.apply_inbound_changes (the sender's own message only; a deletion wins over an edit): as if they had come
  -- in order. They leave the waiting list either way (a forged sender's too: the message is here now).
  with due as (
    delete from public.inbound_pending_changes p
     using unnest(v_stored) m
     where p.instance_id = m.instance_id and p.wa_message_id = m.wa_message_id
    returning p.*
  )
  select jsonb_agg(jsonb_build_object(
      'instance_id', d.instance_id, 'wa_message_id', d.wa_message_id, 'from_phone', d.from_phone,
      'from_lid', d.from_lid, 'change', d.change, 'body', d.body, 'at', d.at, 'opt_out_phrase', d.opt_out_phrase)
      order by d.id)
    into v_due
    from due d where d.created_at > now() - interval '7 days';
  if v_due is not null then
    perform private.apply_inbound_changes(v_due);
  end if;

  return query
    select m.id, m.wa_message_id, m.org_id, m.instance_id, m.conversation_id, m.contact_id, m.from_phone, m.from_lid,
           m.in_reply_to_id, m.campaign_id, m.is_opt_out, coalesce((v_cancelled ->> m.id::text)::integer, 0)
      from unnest(v_stored) m order by m.id;
end $$;
revoke all on function private.ingest_inbound(jsonb) from public, anon, authenticated;
grant execute on function private.ingest_inbound(jsonb) to service_role;
