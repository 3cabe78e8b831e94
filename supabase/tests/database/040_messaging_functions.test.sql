-- Messaging's write paths (migrations 20261130130000/130100): who may queue a direct message, idempotency on the
-- client reference, inbound ingestion being service-only and storing each WhatsApp id once, LID-only senders joining
-- the phone's thread, opt-outs blacklisting phone and LID and cancelling what waited, and the send states the
-- database refuses.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

insert into auth.users (id, email) values
  ('d0000000-0000-4000-8000-000000000001', 'operator@d.test'),
  ('d0000000-0000-4000-8000-000000000002', 'viewer@d.test'),
  ('d0000000-0000-4000-8000-000000000003', 'marketer@d.test'),
  ('c0000000-0000-4000-8000-000000000001', 'owner@c.test');
insert into organizations (id, name, slug) values
  ('dddddddd-0000-4000-8000-000000000000', 'Org D', 'org-d'),
  ('cccccccc-0000-4000-8000-000000000000', 'Org C', 'org-c');
insert into organization_members (org_id, user_id, role) values
  ('dddddddd-0000-4000-8000-000000000000', 'd0000000-0000-4000-8000-000000000001', 'operator'),
  ('dddddddd-0000-4000-8000-000000000000', 'd0000000-0000-4000-8000-000000000002', 'viewer'),
  ('dddddddd-0000-4000-8000-000000000000', 'd0000000-0000-4000-8000-000000000003', 'marketer'),
  ('cccccccc-0000-4000-8000-000000000000', 'c0000000-0000-4000-8000-000000000001', 'owner');
insert into instances (id, org_id, name, status) values
  ('d1000000-0000-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000000', 'd-1', 'connected'),
  ('c1000000-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000000', 'c-1', 'connected');

create function pg_temp.act_as(p_uid uuid) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function pg_temp.as_service() returns void language sql as $$
  select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
$$;

-- ── queueing a direct message ──
select pg_temp.act_as('d0000000-0000-4000-8000-000000000002');
select throws_ok($$select * from private.enqueue_direct_message('dddddddd-0000-4000-8000-000000000000',
  'd1000000-0000-4000-8000-000000000001', '+5511977000001', null, 'hi', 'k1', 'h1', 0, 'api')$$,
  '42501', null, 'a viewer cannot send');
select throws_ok($$select * from private.enqueue_direct_message('dddddddd-0000-4000-8000-000000000000',
  'd1000000-0000-4000-8000-000000000001', '+5511977000001', null, 'hi', 'k1', 'h1', 0, 'inbox')$$,
  '42501', null, 'a viewer cannot reply from the inbox either');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000003');
select throws_ok($$select * from private.enqueue_direct_message('dddddddd-0000-4000-8000-000000000000',
  'd1000000-0000-4000-8000-000000000001', '+5511977000001', null, 'hi', 'k1', 'h1', 0, 'api')$$,
  '42501', null, 'a marketer cannot send through the API');
select is((select created from private.enqueue_direct_message('dddddddd-0000-4000-8000-000000000000',
  'd1000000-0000-4000-8000-000000000001', '+5511977000009', null, 'hi', 'k-inbox', 'h9', 0, 'inbox')), true,
  'a marketer replies from the inbox');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000001');
select throws_ok($$select * from private.enqueue_direct_message('dddddddd-0000-4000-8000-000000000000',
  'c1000000-0000-4000-8000-000000000001', '+5511977000001', null, 'hi', 'k1', 'h1', 0, 'api')$$,
  'P0002', null, 'another organization''s instance is not found');
select is((select created from private.enqueue_direct_message('dddddddd-0000-4000-8000-000000000000',
  'd1000000-0000-4000-8000-000000000001', '+5511977000001', null, 'hi', 'k1', 'h1', 0, 'api')), true,
  'an operator queues a message');
select is((select row(created, stored_hash)::text from private.enqueue_direct_message('dddddddd-0000-4000-8000-000000000000',
  'd1000000-0000-4000-8000-000000000001', '+5511977000001', null, 'other text', 'k1', 'h2', 0, 'api')), '(f,h1)',
  'the same client reference creates nothing and answers the first request''s hash');
select pg_temp.as_service();
select is((select count(*)::int from outbound_messages where client_ref = 'k1'), 1, 'one row for the reference');
select is((select row(state, source, created_by)::text from outbound_messages where client_ref = 'k1'),
  '(queued,api,d0000000-0000-4000-8000-000000000001)', 'queued, from the API, by the caller');
select is((select count(*)::int from conversations where peer_phone = '+5511977000001'), 1,
  'the conversation with the person exists from the first message');

-- ── inbound: service only, once per WhatsApp id ──
select pg_temp.act_as('d0000000-0000-4000-8000-000000000001');
select throws_ok($$select * from private.ingest_inbound('[]')$$, '42501', null, 'users cannot write inbound messages');
select pg_temp.as_service();
select is((select count(*)::int from private.ingest_inbound('[
  {"org_id":"dddddddd-0000-4000-8000-000000000000","instance_id":"d1000000-0000-4000-8000-000000000001",
   "wa_message_id":"IN-1","from_jid":"5511977000001@s.whatsapp.net","from_phone":"+5511977000001","from_lid":null,
   "push_name":"Ana","body":"Oi!","received_at":"2026-11-30T10:00:00Z","opt_out_phrase":null},
  {"org_id":"dddddddd-0000-4000-8000-000000000000","instance_id":"d1000000-0000-4000-8000-000000000001",
   "wa_message_id":"IN-1","from_jid":"5511977000001@s.whatsapp.net","from_phone":"+5511977000001","from_lid":null,
   "push_name":"Ana","body":"Oi!","received_at":"2026-11-30T10:00:00Z","opt_out_phrase":null}]')), 1,
  'a message delivered twice in one batch is stored once');
select is((select count(*)::int from private.ingest_inbound('[
  {"org_id":"dddddddd-0000-4000-8000-000000000000","instance_id":"d1000000-0000-4000-8000-000000000001",
   "wa_message_id":"IN-1","from_jid":"5511977000001@s.whatsapp.net","from_phone":"+5511977000001","from_lid":null,
   "push_name":"Ana","body":"Oi!","received_at":"2026-11-30T10:00:00Z","opt_out_phrase":null}]')), 0,
  'and again in a later batch (a replay) it is not stored');
select is((select row(c.unread_count, c.peer_name, c.last_message_direction)::text from conversations c
  where c.peer_phone = '+5511977000001'), '(1,Ana,in)', 'the thread counts it unread once');
select is((select count(*)::int from contacts where org_id = 'dddddddd-0000-4000-8000-000000000000'
  and phone_e164 = '+5511977000001' and name = 'Ana'), 1, 'the sender became a contact');
select is((select count(*)::int from webhook_deliveries where event_type = 'message:inbound'), 0,
  'no endpoint, no delivery row');

-- A LID-only sender whose LID the organization knows joins the phone's thread.
update contacts set wa_lid = '111222333444555@lid' where phone_e164 = '+5511977000001';
select is((select row(from_phone, conversation_id = (select id from conversations where peer_phone = '+5511977000001'))::text
  from private.ingest_inbound('[
  {"org_id":"dddddddd-0000-4000-8000-000000000000","instance_id":"d1000000-0000-4000-8000-000000000001",
   "wa_message_id":"IN-2","from_jid":"111222333444555@lid","from_phone":null,"from_lid":"111222333444555@lid",
   "push_name":"Ana","body":"sou eu","received_at":"2026-11-30T10:01:00Z","opt_out_phrase":null}]')),
  '(+5511977000001,t)', 'a LID-only message lands in the phone''s conversation');

-- ── opt-out ──
insert into webhook_endpoints (org_id, url) values ('dddddddd-0000-4000-8000-000000000000', 'https://h.example.com/d');
select is((select row(opted_out, cancelled)::text from private.ingest_inbound('[
  {"org_id":"dddddddd-0000-4000-8000-000000000000","instance_id":"d1000000-0000-4000-8000-000000000001",
   "wa_message_id":"IN-3","from_jid":"5511977000001@s.whatsapp.net","from_phone":"+5511977000001","from_lid":null,
   "push_name":"Ana","body":"PARAR","received_at":"2026-11-30T10:02:00Z","opt_out_phrase":"parar"}]')),
  '(t,1)', 'an opt-out cancels the message still queued for the person');
select is((select row(phone_e164, wa_lid, source)::text from blacklist where org_id = 'dddddddd-0000-4000-8000-000000000000'),
  '(+5511977000001,111222333444555@lid,opt_out)', 'blacklisted by phone and LID, source opt_out');
select isnt((select opted_out_at from contacts where phone_e164 = '+5511977000001'), null, 'consent withdrawn');
select is((select state::text from outbound_messages where client_ref = 'k1'), 'cancelled', 'the waiting message');
select is((select payload->>'text' from webhook_deliveries where event_type = 'message:inbound'), 'PARAR',
  'the webhook carries the text');

-- ── states the database refuses ──
insert into outbound_messages (id, org_id, instance_id, recipient_phone, body, state) overriding system value values
  (700001, 'dddddddd-0000-4000-8000-000000000000', 'd1000000-0000-4000-8000-000000000001', '+5511977000002', 'x', 'queued');
update outbound_messages set state = 'claimed' where id = 700001;
update outbound_messages set state = 'sending', wa_message_id = 'W1' where id = 700001;
select throws_ok($$update outbound_messages set state = 'queued' where id = 700001$$, '23514', null,
  'a message that reached sending can never be queued again');
update outbound_messages set state = 'unknown' where id = 700001;
select isnt((select unknown_at from outbound_messages where id = 700001), null, 'unknown is stamped');
update outbound_messages set state = 'delivered' where id = 700001;
select is((select state::text from outbound_messages where id = 700001), 'delivered', 'unknown is reconciled by a receipt');
select throws_ok($$insert into outbound_messages (org_id, body) values ('dddddddd-0000-4000-8000-000000000000', 'x')$$,
  '23514', null, 'a message needs a phone or a LID');

select * from finish();
rollback;
