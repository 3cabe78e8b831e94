-- The security-definer functions and triggers the orchestrator relies on (migration 20261124001000): the audit
-- writer cannot be forged, webhook secrets and redeliveries stay inside the caller's organization, the outbox is
-- written with its cause, and API-key principals lose access when their key is revoked or deleted.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

insert into auth.users (id, email) values
  ('e0000000-0000-4000-8000-000000000001', 'owner@e.test'),
  ('e0000000-0000-4000-8000-000000000002', 'viewer@e.test'),
  ('e0000000-0000-4000-8000-000000000009', null),
  ('f0000000-0000-4000-8000-000000000001', 'owner@f.test');
insert into organizations (id, name, slug) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'Org E', 'org-e'),
  ('ffffffff-0000-4000-8000-000000000000', 'Org F', 'org-f');
insert into organization_members (org_id, user_id, role) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000001', 'owner'),
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000002', 'viewer'),
  ('ffffffff-0000-4000-8000-000000000000', 'f0000000-0000-4000-8000-000000000001', 'owner');
insert into organization_members (org_id, user_id, role, kind) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000009', 'admin', 'api_key');
insert into api_keys (id, org_id, name, prefix, key_hash, scopes, principal_user_id) values
  ('e9000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'k', 'mk_eeee', 'h-e', '{admin}',
   'e0000000-0000-4000-8000-000000000009');
insert into webhook_endpoints (id, org_id, url, events) values
  ('ea000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'https://h.example.com/e', '{}'),
  ('ea000000-0000-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000000', 'https://h.example.com/q', '{message:status}'),
  ('fa000000-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000', 'https://h.example.com/f', '{}');
insert into webhook_deliveries (id, org_id, endpoint_id, event_type, payload, status) overriding system value values
  (800001, 'ffffffff-0000-4000-8000-000000000000', 'fa000000-0000-4000-8000-000000000001', 'x', '{}', 'dead');

create function pg_temp.act_as(p_uid uuid) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;

-- ── audit writer ──
select pg_temp.act_as('e0000000-0000-4000-8000-000000000002');
select lives_ok($$select private.record_audit('eeeeeeee-0000-4000-8000-000000000000', 'x.test', null, null, '{}', null, 'r1')$$,
  'a member (even a viewer) records an audit row in their organization');
select throws_ok($$select private.record_audit('ffffffff-0000-4000-8000-000000000000', 'x.forged', null, null, '{}', null, null)$$,
  '42501', null, 'nobody records into an organization they do not belong to');
select pg_temp.act_as('e0000000-0000-4000-8000-000000000009');
select lives_ok($$select private.record_audit('eeeeeeee-0000-4000-8000-000000000000', 'x.by_key', null, null, '{}', null, null)$$,
  'an API-key principal records too');
reset role;
select results_eq(
  $$select actor_user_id, actor_api_key_id from audit_log where action = 'x.test'$$,
  $$values ('e0000000-0000-4000-8000-000000000002'::uuid, null::uuid)$$,
  'the actor is the caller from the claims');
select results_eq(
  $$select actor_user_id, actor_api_key_id from audit_log where action = 'x.by_key'$$,
  $$values (null::uuid, 'e9000000-0000-4000-8000-000000000001'::uuid)$$,
  'an API-key principal is recorded as its key');
select is((select count(*)::int from audit_log where action = 'x.forged'), 0, 'the forged row does not exist');

-- ── webhook secrets, redelivery, test events ──
select pg_temp.act_as('e0000000-0000-4000-8000-000000000001');
select lives_ok($$select private.set_webhook_secret('ea000000-0000-4000-8000-000000000001', 'k1', '\x01')$$,
  'an owner sets the secret of their endpoint');
select throws_ok($$select private.set_webhook_secret('fa000000-0000-4000-8000-000000000001', 'k1', '\x01')$$,
  'P0002', null, 'another organization''s endpoint looks absent');
select is(private.request_webhook_redelivery(800001), false, 'another organization''s delivery cannot be redelivered');
select throws_ok($$select private.enqueue_webhook_event('ffffffff-0000-4000-8000-000000000000', 'webhook:test', '{}')$$,
  'P0002', null, 'no test events into another organization');
select pg_temp.act_as('e0000000-0000-4000-8000-000000000002');
select throws_ok($$select private.enqueue_webhook_event('eeeeeeee-0000-4000-8000-000000000000', 'webhook:test', '{}')$$,
  'P0002', null, 'a viewer cannot send test events');
reset role;
select is((select status::text from webhook_deliveries where id = 800001), 'dead', 'the other delivery is untouched');
select is((select count(*)::int from webhook_endpoint_secrets where endpoint_id = 'fa000000-0000-4000-8000-000000000001'), 0,
  'no secret was written into the other organization');
update webhook_endpoint_secrets set aad_bound = false where endpoint_id = 'ea000000-0000-4000-8000-000000000001';
select pg_temp.act_as('e0000000-0000-4000-8000-000000000001');
select private.set_webhook_secret('ea000000-0000-4000-8000-000000000001', 'k2', '\x02');
reset role;
select is((select aad_bound from webhook_endpoint_secrets where endpoint_id = 'ea000000-0000-4000-8000-000000000001'),
  true, 'a secret set through the function is marked as bound to its endpoint, also when it replaces an old one');

-- ── the outbox is written with its cause, filtered per endpoint ──
insert into instances (id, org_id, name) values
  ('e1000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'e-1');
select results_eq(
  $$select endpoint_id, event_type, payload ->> 'status' from webhook_deliveries
    where org_id = 'eeeeeeee-0000-4000-8000-000000000000' order by endpoint_id$$,
  $$values ('ea000000-0000-4000-8000-000000000001'::uuid, 'instance:status', 'pending_pairing')$$,
  'an instance insert writes instance:status for endpoints whose filter matches, in the same transaction');
update instances set name = 'renamed' where id = 'e1000000-0000-4000-8000-000000000001';
select is((select count(*)::int from webhook_deliveries where org_id = 'eeeeeeee-0000-4000-8000-000000000000'), 1,
  'a change that is not a status change writes nothing');

-- ── API-key principals ──
update api_keys set revoked_at = now() where id = 'e9000000-0000-4000-8000-000000000001';
select is((select count(*)::int from organization_members where user_id = 'e0000000-0000-4000-8000-000000000009'), 0,
  'revoking a key removes its principal''s membership');
delete from api_keys where id = 'e9000000-0000-4000-8000-000000000001';
select is((select count(*)::int from auth.users where id = 'e0000000-0000-4000-8000-000000000009'), 0,
  'deleting a key deletes its principal');
select throws_ok($$insert into organization_members (org_id, user_id, role, kind)
  values ('eeeeeeee-0000-4000-8000-000000000000', 'f0000000-0000-4000-8000-000000000001', 'owner', 'api_key')$$,
  '23514', null, 'an API-key principal can never be an owner');
select ok(not has_column_privilege('authenticated', 'public.organization_members', 'kind', 'UPDATE'),
  'members cannot change the kind of a membership');
select ok(not has_table_privilege('authenticated', 'public.refresh_tokens', 'select'), 'refresh tokens are service-only');
select ok(not has_function_privilege('authenticated', 'private.write_webhook_outbox(uuid, text, jsonb, uuid)', 'execute'),
  'the unchecked outbox writer is not callable by users');

-- A marketer's blacklist entry still writes the outbox through the trigger (the checked entry point would refuse).
insert into organization_members (org_id, user_id, role) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'f0000000-0000-4000-8000-000000000001', 'marketer');
select pg_temp.act_as('f0000000-0000-4000-8000-000000000001');
insert into blacklist (org_id, phone_e164) values ('eeeeeeee-0000-4000-8000-000000000000', '+5511999990009');
reset role;
select is((select count(*)::int from webhook_deliveries where event_type = 'blacklist:changed'
           and payload ->> 'phoneE164' = '+5511999990009'), 1,
  'a marketer''s change writes its outbox row');

select * from finish();
rollback;
