-- The send API's one-statement accept (migration 20261202100000): only the app role may call it (it takes the
-- caller as an argument); the caller's role in the organization decides as RLS does; no organization ever acts on
-- another's instance; an instance that cannot send refuses with its status and reason; idempotency answers the first
-- message for the same request and refuses another one under the same key; a refusal writes nothing.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

insert into auth.users (id, email) values
  ('e0000000-0000-4000-8000-000000000001', 'operator@e.test'),
  ('e0000000-0000-4000-8000-000000000002', 'viewer@e.test'),
  ('e0000000-0000-4000-8000-000000000003', 'marketer@e.test'),
  ('f0000000-0000-4000-8000-000000000001', 'owner@f.test');
insert into organizations (id, name, slug) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'Org E', 'org-e'),
  ('ffffffff-0000-4000-8000-000000000000', 'Org F', 'org-f');
insert into organization_members (org_id, user_id, role) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000001', 'operator'),
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000002', 'viewer'),
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000003', 'marketer'),
  ('ffffffff-0000-4000-8000-000000000000', 'f0000000-0000-4000-8000-000000000001', 'owner');
insert into instances (id, org_id, name, status, status_reason, worker_id) values
  ('e1000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'e-1', 'connected', null, 'w-e'),
  ('e1000000-0000-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000000', 'e-2', 'restricted', 'rate_overlimit', null),
  ('e1000000-0000-4000-8000-000000000003', 'eeeeeeee-0000-4000-8000-000000000000', 'e-3', 'banned', null, null),
  ('e1000000-0000-4000-8000-000000000004', 'eeeeeeee-0000-4000-8000-000000000000', 'e-4', 'logged_out', 'device_removed', null),
  ('e1000000-0000-4000-8000-000000000005', 'eeeeeeee-0000-4000-8000-000000000000', 'e-5', 'degraded', null, 'w-e'),
  ('f1000000-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000', 'f-1', 'connected', null, 'w-f');

-- The app role's call (the orchestrator's login role), answered as jsonb; the checks themselves run as the owner.
create function pg_temp.app_accept(p_user uuid, p_org uuid, p_instance uuid, p_phone text, p_key text, p_body text,
  p_hash text, p_source text default 'api', p_expires timestamptz default null, p_reply_wa text default null,
  p_reply_required boolean default false, p_reply_from_me boolean default null, p_reply_text text default null)
returns jsonb language plpgsql as $$
declare
  v_me text := current_user;
  v jsonb;
begin
  perform set_config('role', 'mirage_app', true);
  select to_jsonb(a) into v from private.accept_direct_message(p_user, p_org, p_instance, p_phone, null, p_body,
    p_key, p_hash, 0, p_source, p_expires, true, p_reply_wa, p_reply_required, p_reply_from_me, p_reply_text) a;
  perform set_config('role', v_me, true);
  return v;
end $$;
create function pg_temp.outcome(p_user uuid, p_org uuid, p_instance uuid, p_key text, p_hash text,
  p_source text default 'api')
returns text language sql as $$
  select pg_temp.app_accept(p_user, p_org, p_instance, '+5511966000001', p_key, 'hello', p_hash, p_source) ->> 'outcome'
$$;

-- ── who may call it: the app role only ──
select ok(has_function_privilege('mirage_app',
  'private.accept_direct_message(uuid, uuid, uuid, text, text, text, text, text, integer, text, timestamptz, boolean, text, boolean, boolean, text)',
  'execute'), 'the app role may call it');
select ok(not has_function_privilege('authenticated',
  'private.accept_direct_message(uuid, uuid, uuid, text, text, text, text, text, integer, text, timestamptz, boolean, text, boolean, boolean, text)',
  'execute'), 'a user''s session may not (it would name any user)');
select ok(not has_function_privilege('anon',
  'private.accept_direct_message(uuid, uuid, uuid, text, text, text, text, text, integer, text, timestamptz, boolean, text, boolean, boolean, text)',
  'execute'), 'anonymous callers may not');
select ok(not has_function_privilege('service_role',
  'private.accept_direct_message(uuid, uuid, uuid, text, text, text, text, text, integer, text, timestamptz, boolean, text, boolean, boolean, text)',
  'execute'), 'nor the service role (it sends on nobody''s behalf)');
set local role authenticated;
select throws_ok($$select * from private.accept_direct_message('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', '+5511966000001', null, 'hi', 'k0', 'h0', 0, 'api', null, true, null, false,
  null, null)$$, '42501', null, 'authenticated is refused at the call');
reset role;

-- ── roles: operators and up; marketers from the inbox only; viewers never ──
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k-v', 'h'), 'forbidden', 'a viewer cannot send');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k-v', 'h', 'inbox'), 'forbidden', 'nor reply from the inbox');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000003', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k-m', 'h'), 'forbidden', 'a marketer cannot send through the API');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000003', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k-m', 'h', 'inbox'), 'ok', 'a marketer replies from the inbox');

-- ── tenant isolation ──
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'f1000000-0000-4000-8000-000000000001', 'k-x1', 'h'), 'no_instance',
  'an operator of E naming F''s instance under E: not found');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000',
  'f1000000-0000-4000-8000-000000000001', 'k-x2', 'h'), 'no_org', 'nor under F, where E''s operator is no member');
select is(pg_temp.outcome('f0000000-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k-x3', 'h'), 'no_instance',
  'F''s owner cannot send from E''s instance under F');
select is(pg_temp.outcome(gen_random_uuid(), 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k-x4', 'h'), 'no_org', 'a stranger is no member');
select throws_ok($$select pg_temp.outcome(null, 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k-x5', 'h')$$, '22004', null, 'no caller, no call');

-- ── instances that cannot send: 409 with the status and its reason ──
select is((select row(a ->> 'outcome', a ->> 'instance_status', a ->> 'instance_reason')::text
  from pg_temp.app_accept('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000002', '+5511966000001', 'k-r', 'hi', 'h') a), '(unavailable,restricted,rate_overlimit)',
  'a restricted instance refuses, naming its status and reason');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000003', 'k-b', 'h'), 'unavailable', 'a banned instance refuses');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000004', 'k-l', 'h'), 'unavailable', 'a logged-out instance refuses');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000005', 'k-d', 'h'), 'ok', 'a degraded instance still sends');

-- ── idempotency ──
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k1', 'h1'), 'ok', 'an operator queues a message');
select is((select row(a ->> 'outcome', a ->> 'created', (a ->> 'id')::bigint = m.id)::text
  from pg_temp.app_accept('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', '+5511966000001', 'k1', 'hello', 'h1') a,
  outbound_messages m where m.client_ref = 'k1' and m.org_id = 'eeeeeeee-0000-4000-8000-000000000000'),
  '(ok,false,t)', 'the same key and request answer the first message, created = false');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', 'k1', 'h2'), 'conflict', 'the same key with another request conflicts');
select is(pg_temp.outcome('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000002', 'k1', 'h1'), 'unavailable',
  'a replay on an instance that cannot send answers its state first (as the API checks it)');
-- Keys are per organization: F may use E's key for its own message.
select is(pg_temp.outcome('f0000000-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000',
  'f1000000-0000-4000-8000-000000000001', 'k1', 'h-other'), 'ok', 'another organization''s key is not a conflict');

-- ── quotes: a required one must exist; Evolution's fallback quotes the caller's text ──
select is(pg_temp.app_accept('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', '+5511966000002', 'k-q1', 're', 'hq1', 'api', null, 'NOPE', true) ->> 'outcome',
  'reply_not_found', 'a required quote that is not there: 422');
select is(pg_temp.app_accept('e0000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000',
  'e1000000-0000-4000-8000-000000000001', '+5511966000002', 'k-q2', 're', 'hq2', 'api', now() + interval '1 hour',
  'ELSEWHERE', false, true, 'quoted') -> 'reply_to',
  '{"waMessageId": "ELSEWHERE", "fromMe": true, "text": "quoted"}'::jsonb, 'an unknown quote with a text given is quoted');

-- ── what was written ──
select is((select count(*)::int from outbound_messages where org_id = 'eeeeeeee-0000-4000-8000-000000000000'
  and client_ref in ('k-v', 'k-x1', 'k-x3', 'k-x4', 'k-r', 'k-b', 'k-l', 'k-q1')), 0, 'refusals wrote nothing');
select is((select count(*)::int from outbound_messages where org_id = 'ffffffff-0000-4000-8000-000000000000'
  and client_ref <> 'k1'), 0, 'nothing reached F but its own message');
select is((select count(*)::int from outbound_messages where instance_id = 'f1000000-0000-4000-8000-000000000001'),
  1, 'F''s instance carries F''s message only');
select is((select row(state, source, created_by, request_hash)::text from outbound_messages
  where org_id = 'eeeeeeee-0000-4000-8000-000000000000' and client_ref = 'k1'),
  '(queued,api,e0000000-0000-4000-8000-000000000001,h1)', 'one row for the key: queued, from the API, by the caller');
select is((select row(last_message_direction, last_message_preview)::text from conversations
  where instance_id = 'e1000000-0000-4000-8000-000000000001' and peer_phone = '+5511966000001'), '(out,hello)',
  'the conversation shows the last message');
select is((select count(*)::int from conversations where instance_id = 'e1000000-0000-4000-8000-000000000001'
  and peer_phone = '+5511966000001'), 1, 'one thread for the person however many messages');
select isnt((select expires_at from outbound_messages where client_ref = 'k-q2'), null, 'the deadline is stored');

select * from finish();
rollback;
