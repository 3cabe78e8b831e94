-- Structure and invariants the matrix does not show: RLS and org_id indexes everywhere, the fail-closed app role,
-- ownership rules, cross-organization references, message state transitions, hidden columns.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity),
  null, 'RLS is enabled on every public table');

-- Every table with an org_id has an index whose first column is org_id (policies filter on it).
select is(
  (select array_agg(c.relname::text order by c.relname)
   from pg_class c join pg_namespace n on n.oid = c.relnamespace
   join pg_attribute a on a.attrelid = c.oid and a.attname = 'org_id'
   where n.nspname = 'public' and c.relkind = 'r'
     and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indkey[0] = a.attnum)),
  null, 'every org_id column leads an index');

select ok(not (select rolinherit from pg_roles where rolname = 'mirage_app'), 'mirage_app is NOINHERIT');
select ok(pg_has_role('mirage_app', 'authenticated', 'member') and pg_has_role('mirage_app', 'service_role', 'member'),
  'mirage_app may switch to authenticated and service_role');
select ok(not has_table_privilege('mirage_app', 'public.outbound_messages', 'select'),
  'mirage_app itself cannot read a tenant table');

select ok(not has_table_privilege('authenticated', t, 'select'), 'authenticated has no privilege on ' || t)
from unnest(array['public.wa_auth_creds', 'public.wa_auth_keys', 'public.webhook_endpoint_secrets']) t;
select ok(not has_table_privilege('anon', c.oid, 'select'), 'anon has no privilege on ' || c.relname)
from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r';
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot use the private schema');

-- fixtures
insert into auth.users (id, email) values
  ('c0000000-0000-4000-8000-000000000001', 'owner@c.test'),
  ('c0000000-0000-4000-8000-000000000002', 'admin@c.test'),
  ('c0000000-0000-4000-8000-000000000003', 'viewer@c.test'),
  ('d0000000-0000-4000-8000-000000000001', 'owner@d.test');
insert into organizations (id, name, slug) values
  ('cccccccc-0000-4000-8000-000000000000', 'Org C', 'org-c'),
  ('dddddddd-0000-4000-8000-000000000000', 'Org D', 'org-d');
insert into organization_members (org_id, user_id, role) values
  ('cccccccc-0000-4000-8000-000000000000', 'c0000000-0000-4000-8000-000000000001', 'owner'),
  ('cccccccc-0000-4000-8000-000000000000', 'c0000000-0000-4000-8000-000000000002', 'admin'),
  ('cccccccc-0000-4000-8000-000000000000', 'c0000000-0000-4000-8000-000000000003', 'viewer'),
  ('dddddddd-0000-4000-8000-000000000000', 'd0000000-0000-4000-8000-000000000001', 'owner');
insert into message_templates (id, org_id, name, body) values
  ('d5000000-0000-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000000', 'D template', 'Hi');
insert into contacts (id, org_id, phone_e164) values
  ('c2000000-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000000', '+5511955550001');
insert into api_keys (org_id, name, prefix, key_hash, scopes) values
  ('cccccccc-0000-4000-8000-000000000000', 'k', 'mk_cccc', 'secret-hash', '{read}');

-- ownership rules, as the admin of C
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"c0000000-0000-4000-8000-000000000002","role":"authenticated"}', true);
select throws_ok($$update organization_members set role = 'owner' where user_id = 'c0000000-0000-4000-8000-000000000003'$$,
  '42501', null, 'an admin cannot grant the owner role');
select throws_ok($$delete from organization_members where user_id = 'c0000000-0000-4000-8000-000000000001'$$,
  '42501', null, 'an admin cannot remove an owner');
select lives_ok($$update organization_members set role = 'marketer' where user_id = 'c0000000-0000-4000-8000-000000000003'$$,
  'an admin changes a non-owner role');
select throws_ok($$select key_hash from api_keys$$, '42501', null, 'key hashes are not readable, even by admins');
select lives_ok($$select id, prefix, scopes from api_keys$$, 'key metadata is readable by admins');
select throws_ok($$insert into campaigns (org_id, name, template_id) values
  ('cccccccc-0000-4000-8000-000000000000', 'Steal', 'd5000000-0000-4000-8000-000000000001')$$,
  '23503', null, 'a campaign cannot reference another organization''s template');
select throws_ok($$insert into contacts (org_id, phone_e164) values ('cccccccc-0000-4000-8000-000000000000', '5511 9999')$$,
  '23514', null, 'phone numbers must be E.164');
select throws_ok($$insert into contacts (org_id, phone_e164) values ('dddddddd-0000-4000-8000-000000000000', '+5511955550002')$$,
  '42501', null, 'a member of C cannot write into D');

-- as the owner of C
select set_config('request.jwt.claims', '{"sub":"c0000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
select throws_ok($$delete from organization_members where user_id = 'c0000000-0000-4000-8000-000000000001'$$,
  '23514', null, 'the last owner cannot leave');
select lives_ok($$update organization_members set role = 'owner' where user_id = 'c0000000-0000-4000-8000-000000000002'$$,
  'an owner grants ownership');
select lives_ok($$delete from organization_members where user_id = 'c0000000-0000-4000-8000-000000000001'$$,
  'an owner leaves once another owner exists');
select throws_ok($$update instances set status = 'connected'$$, '42501', null, 'users cannot set an instance''s status');
reset role;
select set_config('request.jwt.claims', '', true);

-- outbound message state machine (as the service)
insert into outbound_messages (id, org_id, recipient_phone, body) overriding system value values
  (800001, 'cccccccc-0000-4000-8000-000000000000', '+5511955550001', 'one'),
  (800002, 'cccccccc-0000-4000-8000-000000000000', '+5511955550001', 'two');
update outbound_messages set state = 'claimed' where id = 800001;
select isnt((select claimed_at from outbound_messages where id = 800001), null, 'claiming stamps claimed_at');
update outbound_messages set state = 'sending' where id = 800001;
select throws_ok($$update outbound_messages set state = 'queued' where id = 800001$$, '23514', null,
  'a message being sent can never go back to queued');
select throws_ok($$update outbound_messages set state = 'claimed' where id = 800001$$, '23514', null,
  'a message being sent can never be claimed again');
update outbound_messages set state = 'unknown' where id = 800001;
update outbound_messages set state = 'read' where id = 800001;
select ok((select sent_at is not null and delivered_at is not null and read_at is not null and finished_at is not null
           from outbound_messages where id = 800001), 'a read receipt fills sent, delivered, read and finished times');
select throws_ok($$update outbound_messages set state = 'delivered' where id = 800001$$, '23514', null,
  'read is final');
select throws_ok($$update outbound_messages set state = 'skipped' where id = 800002$$, '23514', null,
  'skipping needs a reason');
select lives_ok($$update outbound_messages set state = 'skipped', skip_reason = 'blacklisted' where id = 800002$$,
  'a skip with its reason is accepted');
select throws_ok($$insert into outbound_messages (org_id, campaign_id, recipient_phone, body)
  select org_id, id, '+5511955550001', 'x' from campaigns where false
  union all select 'cccccccc-0000-4000-8000-000000000000', null, 'bad', 'x'$$, '23514', null,
  'recipients must be E.164');

select * from finish();
rollback;
