-- Bulk planning (migration 20261201120000): private.insert_campaign_plan writes a campaign's queued rows without a
-- foreign-key check per row, so the statement itself must keep every guarantee those checks gave: nothing outside
-- the campaign's organization, one row per person, system callers only, and the replication role put back.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

insert into auth.users (id, email) values ('e0000000-0000-4000-8000-000000000001', 'owner@e.test');
insert into organizations (id, name, slug) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'Org E', 'org-e'),
  ('ffffffff-0000-4000-8000-000000000000', 'Org F', 'org-f');
insert into organization_members (org_id, user_id, role) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000001', 'owner');
insert into instances (id, org_id, name, status) values
  ('e1000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'e-1', 'connected'),
  ('f1000000-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000', 'f-1', 'connected');
insert into contacts (id, org_id, phone_e164, wa_lid) values
  ('e2000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', '+5511977000061', '1061@lid'),
  ('e2000000-0000-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000000', '+5511977000062', null),
  ('f2000000-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000000', '+5511977000063', null);
insert into campaigns (id, org_id, name) values
  ('e3000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'Round');

create function pg_temp.act_as(p_uid uuid) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function pg_temp.as_service() returns void language sql as $$
  select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
$$;
-- The plan the tests submit: two contacts of the organization, one of another organization, one that does not
-- exist, and one of the organization's contacts assigned to another organization's number.
create function pg_temp.plan() returns private.planned_recipient[] language sql as $$
  select array[
    ('e2000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 1, '2026-12-01 12:00Z'),
    ('e2000000-0000-4000-8000-000000000002', 'e1000000-0000-4000-8000-000000000001', 0, '2026-12-01 12:01Z'),
    ('f2000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 0, '2026-12-01 12:02Z'),
    ('e2000000-0000-4000-8000-0000000000ff', 'e1000000-0000-4000-8000-000000000001', 0, '2026-12-01 12:03Z')
  ]::private.planned_recipient[]
$$;

select ok(private.campaign_plan_bypass_safe(),
  'the bulk path knows every foreign key and insert trigger of outbound_messages (review insert_campaign_plan first)');

select pg_temp.act_as('e0000000-0000-4000-8000-000000000001');
select throws_ok($$select private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['a'], pg_temp.plan())$$,
  '42501', null, 'an organization''s owner cannot write a plan: planning is system work');

select pg_temp.as_service();
select throws_ok($$select private.insert_campaign_plan('e3000000-0000-4000-8000-0000000000ff', array['a'], pg_temp.plan())$$,
  '23503', null, 'a campaign that does not exist has no plan');
select is(private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['Olá', 'Oi'], pg_temp.plan()), 2,
  'only the organization''s contacts are planned (another organization''s contact and an unknown id are dropped)');
select is(current_setting('session_replication_role'), 'origin',
  'the replication role is back to origin after the bulk insert (triggers and keys apply again)');
select results_eq(
  $$select org_id, contact_id, recipient_phone, recipient_lid, instance_id, body, variation::int, state::text,
      scheduled_at from outbound_messages where campaign_id = 'e3000000-0000-4000-8000-000000000001' order by scheduled_at$$,
  $$values
    ('eeeeeeee-0000-4000-8000-000000000000'::uuid, 'e2000000-0000-4000-8000-000000000001'::uuid, '+5511977000061',
      '1061@lid', 'e1000000-0000-4000-8000-000000000001'::uuid, 'Oi', 1, 'queued', '2026-12-01 12:00Z'::timestamptz),
    ('eeeeeeee-0000-4000-8000-000000000000'::uuid, 'e2000000-0000-4000-8000-000000000002'::uuid, '+5511977000062',
      null, 'e1000000-0000-4000-8000-000000000001'::uuid, 'Olá', 0, 'queued', '2026-12-01 12:01Z'::timestamptz)$$,
  'each planned row takes the campaign''s organization, the contact''s own number and LID, and its variant''s text');
select is(private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['Olá', 'Oi'], pg_temp.plan()), 0,
  'planning again adds nobody twice');

select is(private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['Olá'], array[
    ('e2000000-0000-4000-8000-000000000001', 'f1000000-0000-4000-8000-000000000001', 0, now())
  ]::private.planned_recipient[]), 0, 'a sender of another organization is never assigned');
delete from outbound_messages where campaign_id = 'e3000000-0000-4000-8000-000000000001';
select is(private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['Olá'], array[
    ('e2000000-0000-4000-8000-000000000001', 'f1000000-0000-4000-8000-000000000001', 0, now())
  ]::private.planned_recipient[]), 0, 'not even for a contact not planned yet');

-- The ordinary path (taken when the role may not switch to replica, or the table changed): same rows, every check.
reset role;
set local session_replication_role = local;
select pg_temp.as_service();
select is(private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['Olá', 'Oi'], pg_temp.plan()), 2,
  'the ordinary path plans the same people');
select is(current_setting('session_replication_role'), 'local', 'and leaves the replication role as it found it');

-- A function owner that may not switch the role (a managed server's non-superuser): the ordinary path, same rows.
reset role;
set local session_replication_role = origin;
delete from outbound_messages where campaign_id = 'e3000000-0000-4000-8000-000000000001';
alter function private.insert_campaign_plan(uuid, text[], private.planned_recipient[]) owner to service_role;
select pg_temp.as_service();
select is(private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['Olá', 'Oi'], pg_temp.plan()), 2,
  'an owner refused the replication role plans the same people with every check');
select is(current_setting('session_replication_role'), 'origin', 'and the role was never changed');
reset role;
alter function private.insert_campaign_plan(uuid, text[], private.planned_recipient[]) owner to current_user;
grant execute on function private.insert_campaign_plan(uuid, text[], private.planned_recipient[]) to service_role;

-- The foreign keys' actions still apply to bulk-planned rows.
reset role;
set local session_replication_role = origin;
delete from outbound_messages where campaign_id = 'e3000000-0000-4000-8000-000000000001';
select pg_temp.as_service();
select is(private.insert_campaign_plan('e3000000-0000-4000-8000-000000000001', array['Olá', 'Oi'], pg_temp.plan()), 2,
  'planned again in bulk');
reset role;
delete from contacts where id = 'e2000000-0000-4000-8000-000000000002';
select is((select contact_id from outbound_messages where recipient_phone = '+5511977000062'
  and campaign_id = 'e3000000-0000-4000-8000-000000000001'), null, 'deleting a contact unlinks its planned message');
delete from campaigns where id = 'e3000000-0000-4000-8000-000000000001';
select is((select count(*)::int from outbound_messages where campaign_id = 'e3000000-0000-4000-8000-000000000001'), 0,
  'deleting the campaign removes its plan');

select * from finish();
rollback;
