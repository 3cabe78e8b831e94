-- Inbound ingestion one batch at a time (migration 20261201100000): what a batch holding several messages of one
-- person, replays next to new ids, or a LID-only and a phone message of the same person must come out as — one
-- contact, one thread, counts and previews by the sender's clock, replies linked, opt-outs applied once, one webhook
-- per stored message.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

insert into organizations (id, name, slug) values ('abababab-0000-4000-8000-000000000000', 'Org AB', 'org-ab');
insert into instances (id, org_id, name, status) values
  ('ab100000-0000-4000-8000-000000000001', 'abababab-0000-4000-8000-000000000000', 'ab-1', 'connected'),
  ('ab100000-0000-4000-8000-000000000002', 'abababab-0000-4000-8000-000000000000', 'ab-2', 'connected');
-- One endpoint for everything, one for another event only, one bound to the second instance (Evolution format).
insert into webhook_endpoints (id, org_id, url) values
  ('ab200000-0000-4000-8000-000000000001', 'abababab-0000-4000-8000-000000000000', 'https://h.example.com/all');
insert into webhook_endpoints (org_id, url, events) values
  ('abababab-0000-4000-8000-000000000000', 'https://h.example.com/status', '{message:status}');
insert into webhook_endpoints (org_id, url, format, instance_id) values
  ('abababab-0000-4000-8000-000000000000', 'https://h.example.com/evo', 'evolution', 'ab100000-0000-4000-8000-000000000002');

create function pg_temp.as_service() returns void language sql as $$
  select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
$$;
-- One message of a batch on instance ab-1 (or `p_instance`), from a phone and/or a LID.
create function pg_temp.m(
  p_id text, p_phone text, p_lid text, p_body text, p_at text, p_opt text default null,
  p_instance text default 'ab100000-0000-4000-8000-000000000001'
) returns jsonb language sql as $$
  select jsonb_build_object('org_id', 'abababab-0000-4000-8000-000000000000', 'instance_id', p_instance,
    'wa_message_id', p_id, 'from_jid', coalesce(ltrim(p_phone, '+') || '@s.whatsapp.net', p_lid),
    'from_phone', p_phone, 'from_lid', p_lid, 'push_name', 'Bia', 'body', p_body,
    'received_at', p_at, 'opt_out_phrase', p_opt)
$$;
select pg_temp.as_service();

-- ── two messages of one new person in one batch ──
-- The later one by the sender's clock comes first in the batch: the preview still shows it.
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('B-2', '+5511966000001', null, 'segunda', '2026-12-01T10:00:05Z'),
    pg_temp.m('B-1', '+5511966000001', null, 'primeira', '2026-12-01T10:00:01Z')))), 2,
  'both messages of a new person are stored');
select is((select count(*)::int from contacts where phone_e164 = '+5511966000001'), 1, 'one contact');
select is((select row(unread_count, last_message_preview, last_message_direction, peer_name)::text from conversations
  where peer_phone = '+5511966000001'), '(2,segunda,in,Bia)', 'one thread: two unread, the latest text previewed');
select is((select count(distinct conversation_id)::int || '/' || count(distinct contact_id)::int from inbound_messages
  where wa_message_id in ('B-1', 'B-2')), '1/1', 'both messages in that thread, linked to that contact');
select isnt((select last_inbound_at from contacts where phone_e164 = '+5511966000001'), null,
  'the contact''s last inbound message is stamped');
select is((select array_agg(wa_message_id order by id)::text from inbound_messages where wa_message_id in ('B-1', 'B-2')),
  '{B-2,B-1}', 'stored in arrival order');

-- ── a replayed id next to a new one, and an id twice in one batch ──
select is((select array_agg(wa_message_id)::text from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('B-1', '+5511966000001', null, 'primeira', '2026-12-01T10:00:01Z'),
    pg_temp.m('B-3', '+5511966000001', null, 'terceira', '2026-12-01T10:00:09Z'),
    pg_temp.m('B-3', '+5511966000001', null, 'terceira', '2026-12-01T10:00:09Z')))), '{B-3}',
  'only the new id is stored and answered, once');
select is((select count(*)::int from inbound_messages where wa_message_id in ('B-1', 'B-3')), 2,
  'the replayed id is still stored once');
select is((select row(unread_count, last_message_preview)::text from conversations where peer_phone = '+5511966000001'),
  '(3,terceira)', 'the thread counts only the new message');
select is((select count(*)::int from webhook_deliveries where event_type = 'message:inbound'
  and payload ->> 'waMessageId' in ('B-1', 'B-2', 'B-3')), 3, 'one webhook per stored message, none for the replay');
select is((select count(distinct endpoint_id)::int from webhook_deliveries where event_type = 'message:inbound'), 1,
  'only the endpoint whose filter and instance match gets them');
select is((select payload ->> 'text' || '|' || (payload ->> 'sentAt') from webhook_deliveries
  where payload ->> 'waMessageId' = 'B-3'), 'terceira|2026-12-01T10:00:09+00:00', 'the webhook carries text and time');
-- The same id from another instance is another message.
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('B-3', '+5511966000001', null, 'terceira', '2026-12-01T10:00:09Z', null,
              'ab100000-0000-4000-8000-000000000002')))), 1, 'the same WhatsApp id on another instance is stored');
select is((select count(*)::int from conversations where peer_phone = '+5511966000001'), 2,
  'a thread per instance, one contact');
select is((select count(*)::int from webhook_deliveries where payload ->> 'instanceId' = 'ab100000-0000-4000-8000-000000000002'), 2,
  'the second instance''s message reaches the endpoint for all and its own Evolution endpoint');

-- ── a LID-only and a phone message of the same new person in one batch ──
-- The LID-only one arrives first; the phone message carries the LID (the envelope gives both).
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('L-1', null, '900000000000001@lid', 'pelo lid', '2026-12-01T10:01:00Z'),
    pg_temp.m('L-2', '+5511966000002', '900000000000001@lid', 'pelo numero', '2026-12-01T10:01:02Z')))), 2,
  'both stored');
select is((select count(*)::int from conversations where peer_phone = '+5511966000002' or peer_lid = '900000000000001@lid'),
  1, 'one thread for the person');
select is((select row(peer_phone, peer_lid, unread_count)::text from conversations where peer_lid = '900000000000001@lid'),
  '(+5511966000002,900000000000001@lid,2)', 'known by phone and LID, both messages unread');
select is((select count(distinct contact_id)::int || '/' || count(contact_id)::int || '/' || min(from_phone)
  from inbound_messages where wa_message_id in ('L-1', 'L-2')), '1/2/+5511966000002',
  'both linked to the one contact, the LID-only message with the number');
select is((select wa_lid from contacts where phone_e164 = '+5511966000002'), '900000000000001@lid',
  'the contact learned the LID');

-- A person whose LID the organization knows already: a LID-only and a phone message in one batch, one thread.
insert into contacts (org_id, phone_e164, wa_lid) values
  ('abababab-0000-4000-8000-000000000000', '+5511966000003', '900000000000003@lid');
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('K-1', '+5511966000003', null, 'oi', '2026-12-01T10:02:00Z'),
    pg_temp.m('K-2', null, '900000000000003@lid', 'sou eu', '2026-12-01T10:02:01Z')))), 2, 'both stored');
select is((select row(count(*), sum(unread_count))::text from conversations where peer_phone = '+5511966000003'
  or peer_lid = '900000000000003@lid'), '(1,2)', 'one thread with both');
select is((select count(*)::int from contacts where phone_e164 = '+5511966000003' and name = 'Bia'), 1,
  'the known contact gets the push name it lacked');

-- A LID nobody knows: its own thread, no contact.
select is((select row(contact_id, from_phone, from_lid)::text from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('U-1', null, '900000000000009@lid', 'quem sou', '2026-12-01T10:03:00Z')))),
  '(,,900000000000009@lid)', 'an unknown LID is stored by LID alone');
select is((select count(*)::int from conversations where peer_lid = '900000000000009@lid' and peer_phone is null), 1,
  'in a thread of its own');

-- ── the LID thread merges into the phone's when a batch shows they are one person ──
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('P-1', '+5511966000009', null, 'pelo numero', '2026-12-01T10:03:10Z')))), 1, 'the number writes too');
select is((select count(*)::int from conversations where peer_phone = '+5511966000009' or peer_lid = '900000000000009@lid'),
  2, 'two threads while nobody knows they are one person');
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('U-2', '+5511966000009', '900000000000009@lid', 'agora com os dois', '2026-12-01T10:03:30Z'),
    pg_temp.m('P-2', '+5511966000009', null, 'de novo', '2026-12-01T10:03:40Z')))), 2, 'stored');
select is((select row(count(*), min(unread_count), min(peer_lid), min(last_message_preview))::text from conversations
  where peer_phone = '+5511966000009' or peer_lid = '900000000000009@lid'), '(1,4,900000000000009@lid,"de novo")',
  'the LID''s thread was merged into the phone''s: one thread, every message unread');
select is((select count(distinct conversation_id)::int from inbound_messages
  where wa_message_id in ('U-1', 'P-1', 'U-2', 'P-2')), 1, 'all four messages in it');

-- ── replies are linked to the latest message sent to the person ──
insert into outbound_messages (id, org_id, instance_id, recipient_phone, recipient_lid, body, state)
  overriding system value values
  (960001, 'abababab-0000-4000-8000-000000000000', 'ab100000-0000-4000-8000-000000000001', '+5511966000004', null, 'a', 'sent'),
  (960002, 'abababab-0000-4000-8000-000000000000', 'ab100000-0000-4000-8000-000000000001', '+5511966000004', null, 'b', 'delivered'),
  (960003, 'abababab-0000-4000-8000-000000000000', 'ab100000-0000-4000-8000-000000000001', '+5511966000004', null, 'c', 'queued'),
  (960004, 'abababab-0000-4000-8000-000000000000', 'ab100000-0000-4000-8000-000000000001', null, '900000000000005@lid', 'd', 'read');
select is((select array_agg(in_reply_to_id order by inbound_id)::text from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('R-1', '+5511966000004', null, 'resposta', '2026-12-01T10:04:00Z'),
    pg_temp.m('R-2', '+5511966000004', null, 'outra', '2026-12-01T10:04:01Z'),
    pg_temp.m('R-3', null, '900000000000005@lid', 'por lid', '2026-12-01T10:04:02Z'),
    pg_temp.m('R-4', '+5511966000001', null, 'sem envio', '2026-12-01T10:04:03Z')))), '{960002,960002,960004,NULL}',
  'each reply answers the latest message that left, by phone or by LID; no message sent, no link');

-- ── opt-outs in a batch ──
insert into outbound_messages (id, org_id, instance_id, recipient_phone, body, state) overriding system value values
  (960011, 'abababab-0000-4000-8000-000000000000', 'ab100000-0000-4000-8000-000000000001', '+5511966000002', 'x', 'queued'),
  (960012, 'abababab-0000-4000-8000-000000000000', 'ab100000-0000-4000-8000-000000000002', '+5511966000002', 'y', 'queued');
select is((select array_agg(row(wa_message_id, opted_out, cancelled)::text order by inbound_id)::text
  from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('O-1', '+5511966000002', null, 'PARAR', '2026-12-01T10:05:00Z', 'parar'),
    pg_temp.m('O-2', '+5511966000002', null, 'oi', '2026-12-01T10:05:01Z'),
    pg_temp.m('O-3', null, '900000000000001@lid', 'SAIR', '2026-12-01T10:05:02Z', 'sair')))),
  '{"(O-1,t,2)","(O-2,f,0)","(O-3,t,0)"}', 'the first opt-out cancels what waited, a second finds nothing left');
select is((select count(*)::int || ':' || min(phone_e164) || ':' || min(wa_lid) from blacklist
  where org_id = 'abababab-0000-4000-8000-000000000000'), '1:+5511966000002:900000000000001@lid',
  'one blacklist row, by phone and LID');
select isnt((select opted_out_at from contacts where phone_e164 = '+5511966000002'), null, 'consent withdrawn');
select is((select count(*)::int from outbound_messages where id in (960011, 960012) and state = 'cancelled'
  and error_code = 'opted_out'), 2, 'waiting messages on every instance cancelled');
select is((select count(*)::int from webhook_deliveries where event_type = 'blacklist:changed'), 1,
  'the blacklist change is announced once');

-- ── bad input fails the whole batch ──
select throws_ok($$select * from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('X-1', '+5511966000007', null, 'ok', '2026-12-01T10:06:00Z'),
    pg_temp.m('X-2', null, null, 'ninguem', '2026-12-01T10:06:01Z')))$$, '23514', null,
  'a message with neither a phone nor a LID is refused');

-- ── deleting the organization deletes its messages and webhook rows (through its instances and endpoints) ──
reset role;
delete from organizations where id = 'abababab-0000-4000-8000-000000000000';
select is((select count(*)::int from inbound_messages where org_id = 'abababab-0000-4000-8000-000000000000')
  + (select count(*)::int from webhook_deliveries where org_id = 'abababab-0000-4000-8000-000000000000'), 0,
  'no inbound message nor webhook row outlives its organization');

select * from finish();
rollback;
