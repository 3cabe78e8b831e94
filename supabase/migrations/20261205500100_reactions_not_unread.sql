-- Reactions in a thread (migration 20261205500000 stores them as messages): a 👍 no longer counts as an unread
-- message (WhatsApp's badge counts messages, not reactions), and a reaction taken back (an empty one) leaves the
-- thread's preview as it was instead of blanking it. private.ingest_inbound as in 20261204100000, with only the
-- thread update changed.

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

  return query
    select m.id, m.wa_message_id, m.org_id, m.instance_id, m.conversation_id, m.contact_id, m.from_phone, m.from_lid,
           m.in_reply_to_id, m.campaign_id, m.is_opt_out, coalesce((v_cancelled ->> m.id::text)::integer, 0)
      from unnest(v_stored) m order by m.id;
end $$;
revoke all on function private.ingest_inbound(jsonb) from public, anon, authenticated;
grant execute on function private.ingest_inbound(jsonb) to service_role;
