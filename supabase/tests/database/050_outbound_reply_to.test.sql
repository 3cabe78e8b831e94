-- Replies (migration 20261130260000): who may set what a queued direct message quotes, only while it is queued and
-- only once, and the quote being all-or-nothing on the row.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

insert into auth.users (id, email) values
  ('e0000000-0000-4000-8000-000000000001', 'operator@e.test'),
  ('e0000000-0000-4000-8000-000000000002', 'viewer@e.test'),
  ('f0000000-0000-4000-8000-000000000001', 'owner@f.test');
insert into organizations (id, name, slug) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'Org E', 'org-e'),
  ('ffffffff-0000-4000-8000-000000000000', 'Org F', 'org-f');
insert into organization_members (org_id, user_id, role) values
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000001', 'operator'),
  ('eeeeeeee-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000002', 'viewer'),
  ('ffffffff-0000-4000-8000-000000000000', 'f0000000-0000-4000-8000-000000000001', 'owner');
insert into instances (id, org_id, name, status) values
  ('e1000000-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000000', 'e-1', 'connected');
insert into outbound_messages (id, org_id, instance_id, recipient_phone, body, state) overriding system value values
  (950001, 'eeeeeeee-0000-4000-8000-000000000000', 'e1000000-0000-4000-8000-000000000001', '+5511977000051', 'a', 'queued'),
  (950002, 'eeeeeeee-0000-4000-8000-000000000000', 'e1000000-0000-4000-8000-000000000001', '+5511977000051', 'b', 'queued');

create function pg_temp.act_as(p_uid uuid) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_uid, 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function pg_temp.as_service() returns void language sql as $$
  select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
$$;

select pg_temp.act_as('e0000000-0000-4000-8000-000000000002');
select throws_ok($$select private.set_outbound_reply_to('eeeeeeee-0000-4000-8000-000000000000', 950001, '3EB0A', false, 'oi')$$,
  '42501', null, 'a viewer cannot make a message a reply');
select pg_temp.act_as('f0000000-0000-4000-8000-000000000001');
select throws_ok($$select private.set_outbound_reply_to('eeeeeeee-0000-4000-8000-000000000000', 950001, '3EB0A', false, 'oi')$$,
  '42501', null, 'another organization''s owner cannot either');
select throws_ok($$update outbound_messages set reply_to_wa_id = '3EB0A' where id = 950001$$,
  '42501', null, 'users have no direct write on the quote');
select pg_temp.act_as('e0000000-0000-4000-8000-000000000001');
select is(private.set_outbound_reply_to('eeeeeeee-0000-4000-8000-000000000000', 950001, '3EB0A', false, 'oi'), true,
  'an operator makes a queued message of the organization a reply');
select is(private.set_outbound_reply_to('eeeeeeee-0000-4000-8000-000000000000', 950001, '3EB0B', true, 'x'), false,
  'a message never changes what it quotes');

select pg_temp.as_service();
select is((select row(reply_to_wa_id, reply_to_from_me, reply_to_text)::text from outbound_messages where id = 950001),
  '(3EB0A,f,oi)', 'the quote is stored with its author and text');
update outbound_messages set state = 'claimed' where id = 950002;
select pg_temp.act_as('e0000000-0000-4000-8000-000000000001');
select is(private.set_outbound_reply_to('eeeeeeee-0000-4000-8000-000000000000', 950002, '3EB0A', false, 'oi'), false,
  'a message on its way (claimed) cannot become a reply');
select pg_temp.as_service();
select throws_ok($$update outbound_messages set reply_to_wa_id = '3EB0C' where id = 950002$$,
  '23514', null, 'a quote is all or nothing (id, author, text)');

select * from finish();
rollback;
