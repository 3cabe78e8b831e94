-- Edits and deletions that arrive before the message they change (migration 20261206300000): they wait, and the
-- ingest that stores the message applies them with the rules of a change arriving after it — the sender's own
-- message only, a deletion wins, a replay changes nothing more, an edit saying stop opts out — and nothing waits
-- for ever or without bound.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

insert into organizations (id, name, slug) values ('9a9a9a9a-0000-4000-8000-000000000000', 'Org 9A', 'org-9a');
insert into instances (id, org_id, name, status) values
  ('9a100000-0000-4000-8000-000000000001', '9a9a9a9a-0000-4000-8000-000000000000', '9a-1', 'connected'),
  ('9a100000-0000-4000-8000-000000000002', '9a9a9a9a-0000-4000-8000-000000000000', '9a-2', 'connected');
insert into webhook_endpoints (org_id, url) values ('9a9a9a9a-0000-4000-8000-000000000000', 'https://h.example.com/all');

create function pg_temp.as_service() returns void language sql as $$
  select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
$$;
-- A message from a phone on instance 9a-1 (or `p_instance`).
create function pg_temp.m(p_id text, p_phone text, p_body text, p_instance text default '9a100000-0000-4000-8000-000000000001')
returns jsonb language sql as $$
  select jsonb_build_object('org_id', '9a9a9a9a-0000-4000-8000-000000000000', 'instance_id', p_instance,
    'wa_message_id', p_id, 'from_jid', ltrim(p_phone, '+') || '@s.whatsapp.net', 'from_phone', p_phone,
    'push_name', 'Bia', 'body', p_body, 'received_at', '2026-12-01T10:00:00Z')
$$;
-- A change by a phone sender of message `p_id` on instance 9a-1.
create function pg_temp.c(p_id text, p_phone text, p_change text, p_body text, p_at text, p_opt text default null)
returns jsonb language sql as $$
  select jsonb_build_object('instance_id', '9a100000-0000-4000-8000-000000000001', 'wa_message_id', p_id,
    'from_phone', p_phone, 'change', p_change, 'body', p_body, 'at', p_at, 'opt_out_phrase', p_opt)
$$;
select pg_temp.as_service();

-- ── an edit before its message ──
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('E-1', '+5511955000001', 'edited', 'quero 2', '2026-12-01T10:00:30Z')))), 0,
  'an edit of a message not stored changes nothing yet');
select is((select count(*)::int from inbound_pending_changes where wa_message_id = 'E-1'), 1, 'it waits');
-- An older edit replayed after it, and the same edit again: still one, the latest.
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('E-1', '+5511955000001', 'edited', 'quero 1,5', '2026-12-01T10:00:20Z'),
    pg_temp.c('E-1', '+5511955000001', 'edited', 'quero 2', '2026-12-01T10:00:30Z')))), 0, 'replays change nothing');
select is((select count(*)::int || '|' || min(body) from inbound_pending_changes where wa_message_id = 'E-1'),
  '1|quero 2', 'one waiting edit per message and sender: the latest');
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('E-1', '+5511955000001', 'quero 1')))), 1, 'the message arrives and is stored');
select is((select body || '|' || (edited_at = '2026-12-01T10:00:30Z') from inbound_messages where wa_message_id = 'E-1'),
  'quero 2|true', 'the waiting edit applied in the same ingest: its text and time');
select is((select last_message_preview from conversations where peer_phone = '+5511955000001'), 'quero 2',
  'the thread previews the edited text');
select is((select count(*)::int from inbound_pending_changes where wa_message_id = 'E-1'), 0, 'nothing waits any more');
select is((select array_agg(event_type order by id)::text from webhook_deliveries
  where payload ->> 'waMessageId' = 'E-1'), '{message:inbound,message:updated}',
  'webhooks as if in order: the message, then its edit');
select is((select payload ->> 'text' || '|' || (payload ->> 'change') || '|' || (payload ->> 'messageType')
  from webhook_deliveries where payload ->> 'waMessageId' = 'E-1' and event_type = 'message:updated'),
  'quero 2|edited|text', 'message:updated carries the new text and the message''s type');
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('E-1', '+5511955000001', 'edited', 'quero 2', '2026-12-01T10:00:30Z')))), 0,
  'the edit replayed once more changes nothing more');
select is((select count(*)::int from inbound_pending_changes where wa_message_id = 'E-1'), 0,
  'and does not wait again (its message is here)');

-- ── a deletion and a later edit before their message ──
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('D-1', '+5511955000001', 'deleted', null, '2026-12-01T10:01:00Z')))), 0, 'a deletion waits');
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('D-1', '+5511955000001', 'edited', 'outra coisa', '2026-12-01T10:02:00Z')))), 0, 'an edit waits too');
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('D-1', '+5511955000001', 'meu cpf é 123')))), 1, 'the message arrives');
select is((select row(body, deleted_at is not null, edited_at is null)::text from inbound_messages
  where wa_message_id = 'D-1'), '("",t,t)', 'deleted (emptied), and not edited back');
select is((select last_message_preview from conversations where peer_phone = '+5511955000001'), '🚫',
  'the thread shows it deleted');
select is((select count(*)::int from webhook_deliveries where payload ->> 'waMessageId' = 'D-1'
  and event_type = 'message:updated' and payload ->> 'change' = 'deleted' and payload ->> 'text' is null), 1,
  'one message:updated deletion, without the text');

-- ── a forged sender, another instance ──
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('F-1', '+5511955000999', 'edited', 'forjado', '2026-12-01T10:03:00Z')))), 0, 'a stranger''s edit waits');
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('F-1', '+5511955000001', 'original')))), 1, 'the real sender''s message arrives');
select is((select body || '|' || (edited_at is null) from inbound_messages where wa_message_id = 'F-1'),
  'original|true', 'another sender''s waiting edit does not change it');
select is((select count(*)::int from inbound_pending_changes where wa_message_id = 'F-1'), 0,
  'and leaves the waiting list');
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('I-1', '+5511955000001', 'deleted', null, '2026-12-01T10:04:00Z')))), 0, 'a deletion of I-1 waits');
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('I-1', '+5511955000001', 'na outra linha', '9a100000-0000-4000-8000-000000000002')))), 1,
  'the same id arrives on another instance');
select is((select body || '|' || (deleted_at is null) from inbound_messages where wa_message_id = 'I-1'),
  'na outra linha|true', 'a change waiting on one instance does not touch another instance''s message');
select is((select count(*)::int from inbound_pending_changes where wa_message_id = 'I-1'), 1, 'it still waits');

insert into outbound_messages (org_id, instance_id, recipient_phone, body, state, wa_message_id)
values ('9a9a9a9a-0000-4000-8000-000000000000', '9a100000-0000-4000-8000-000000000001', '+5511955000001', 'oferta',
        'delivered', 'OUT-1');
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('OUT-1', '+5511955000001', 'deleted', null, '2026-12-01T10:04:30Z')))), 0,
  'a deletion naming the instance''s own message changes nothing');
select is((select count(*)::int from inbound_pending_changes where wa_message_id = 'OUT-1'), 0,
  'and has nothing to wait for');

-- ── an edit saying stop before its message ──
insert into outbound_messages (org_id, instance_id, recipient_phone, body)
values ('9a9a9a9a-0000-4000-8000-000000000000', '9a100000-0000-4000-8000-000000000001', '+5511955000002', 'promo');
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('S-1', '+5511955000002', 'edited', 'pare', '2026-12-01T10:05:00Z', 'pare')))), 0, 'it waits');
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('S-1', '+5511955000002', 'ok')))), 1, 'the message arrives');
select is((select is_opt_out::text || '|' || opt_out_phrase from inbound_messages where wa_message_id = 'S-1'),
  'true|pare', 'the edit saying stop opted the person out');
select is((select count(*)::int from blacklist where phone_e164 = '+5511955000002' and source = 'opt_out'), 1,
  'and blacklisted the number');
select is((select state || '|' || error_code from outbound_messages where recipient_phone = '+5511955000002'),
  'cancelled|opted_out', 'what waited for them is cancelled');

-- ── nothing waits for ever, nor without bound ──
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('X-1', '+5511955000003', 'edited', 'velho', '2026-11-01T10:00:00Z')))), 0, 'an edit waits');
update inbound_pending_changes set created_at = now() - interval '8 days' where wa_message_id = 'X-1';
select is((select count(*)::int from private.ingest_inbound(jsonb_build_array(
    pg_temp.m('X-1', '+5511955000003', 'original')))), 1, 'its message arrives more than a week later');
select is((select body || '|' || (edited_at is null) from inbound_messages where wa_message_id = 'X-1'),
  'original|true', 'an expired change is not applied');
select is((select count(*)::int from inbound_pending_changes where wa_message_id = 'X-1'), 0, 'and is gone');

select is((select count(*)::int from private.apply_inbound_changes(
    (select jsonb_agg(pg_temp.c('N-' || n, '+5511955000004', 'deleted', null, '2026-12-01T10:06:00Z'))
       from generate_series(1, 105) n))), 0, 'a sender sends 105 deletions of messages never seen');
select is((select count(*)::int from inbound_pending_changes where from_phone = '+5511955000004'), 100,
  'the newest 100 of that sender wait');
select is((select (max(id) - min(id))::int from inbound_pending_changes where from_phone = '+5511955000004'), 99,
  'those stored last (the batch''s ids are consecutive): the 5 stored first were evicted');
update inbound_pending_changes set created_at = now() - interval '8 days' where wa_message_id = 'N-50';
select is((select count(*)::int from private.apply_inbound_changes(jsonb_build_array(
    pg_temp.c('N-200', '+5511955000004', 'deleted', null, '2026-12-01T10:07:00Z')))), 0, 'one more waits');
select is((select string_agg(wa_message_id, ',') filter (where wa_message_id in ('N-50', 'N-200')) || '|' || count(*)
  from inbound_pending_changes where from_phone = '+5511955000004'), 'N-200|99',
  'the expired one is swept and the oldest evicted to make room');

-- ── only the service writes ──
reset role;
set local role authenticated;
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
select throws_ok($$select private.apply_inbound_changes('[]')$$, '42501', null,
  'a signed-in user cannot apply changes');

select * from finish();
rollback;
