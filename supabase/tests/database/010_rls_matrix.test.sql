-- The authorization matrix: every tenant table × select/insert/update/delete × every kind of caller,
-- each allow and each deny asserted. Rows targeted always belong to organization A.
begin;
create extension if not exists pgtap with schema extensions;
set local search_path = public, extensions;
select * from no_plan();

-- ── fixtures (as the migration owner) ───────────────────────────────────────────────────────────────────
insert into auth.users (id, email) values
  ('a0000000-0000-4000-8000-000000000001', 'owner@a.test'),
  ('a0000000-0000-4000-8000-000000000002', 'admin@a.test'),
  ('a0000000-0000-4000-8000-000000000003', 'operator@a.test'),
  ('a0000000-0000-4000-8000-000000000004', 'marketer@a.test'),
  ('a0000000-0000-4000-8000-000000000005', 'viewer@a.test'),
  ('a0000000-0000-4000-8000-000000000009', 'newcomer@a.test'),
  ('b0000000-0000-4000-8000-000000000001', 'owner@b.test');
insert into organizations (id, name, slug) values
  ('aaaaaaaa-0000-4000-8000-000000000000', 'Org A', 'org-a'),
  ('bbbbbbbb-0000-4000-8000-000000000000', 'Org B', 'org-b');
insert into organization_members (org_id, user_id, role) values
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000001', 'owner'),
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000002', 'admin'),
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000003', 'operator'),
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000004', 'marketer'),
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000005', 'viewer'),
  ('bbbbbbbb-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000001', 'owner');

insert into instances (id, org_id, name, phone_e164) values
  ('a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'sales-1', '+5511988880001'),
  ('a1000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'sales-2', '+5511988880002');
insert into instance_events (id, org_id, instance_id, to_status) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 'connecting');
insert into instance_health (id, org_id, instance_id, score) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 90);
insert into wa_auth_creds (instance_id, org_id, key_id, ciphertext) values
  ('a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'k1', '\x00');
insert into wa_auth_keys (instance_id, org_id, type, id, key_id, ciphertext) values
  ('a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'pre-key', '1', 'k1', '\x00');
insert into contacts (id, org_id, phone_e164, name) values
  ('a2000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', '+5511977770001', 'Ana'),
  ('a2000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', '+5511977770002', 'Bia');
insert into contact_lists (id, org_id, name) values
  ('a3000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'Leads');
insert into contact_list_members (list_id, contact_id, org_id) values
  ('a3000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000');
insert into blacklist (id, org_id, phone_e164, source) values
  ('a4000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', '+5511966660001', 'manual');
insert into message_templates (id, org_id, name, body) values
  ('a5000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'Hello', 'Hi {{name}}');
insert into campaigns (id, org_id, name, template_id, contact_list_id) values
  ('a6000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'Launch',
   'a5000000-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001');
insert into campaign_senders (campaign_id, instance_id, org_id) values
  ('a6000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000');
insert into campaign_rounds (id, org_id, campaign_id, round_number, scheduled_for) values
  ('a7000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
   'a6000000-0000-4000-8000-000000000001', 1, now());
insert into outbound_messages (id, org_id, campaign_id, contact_id, recipient_phone, instance_id, body)
  overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'a6000000-0000-4000-8000-000000000001',
   'a2000000-0000-4000-8000-000000000001', '+5511977770001', 'a1000000-0000-4000-8000-000000000001', 'Hi Ana');
insert into inbound_messages (id, org_id, instance_id, wa_message_id, from_jid, body) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 'IN1',
   '5511977770001@s.whatsapp.net', 'thanks');
insert into inbound_pending_changes (id, org_id, instance_id, wa_message_id, from_phone, change, body, at)
  overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 'IN9', '+5511977770001',
   'edited', 'quero 2', now());
insert into conversations (id, org_id, instance_id, contact_id, peer_phone) values
  ('ac000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000',
   'a1000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', '+5511977770001');
insert into conversation_notes (id, org_id, conversation_id, author_id, body) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'ac000000-0000-4000-8000-000000000001',
   'a0000000-0000-4000-8000-000000000003', 'called her back'),
  (900002, 'aaaaaaaa-0000-4000-8000-000000000000', 'ac000000-0000-4000-8000-000000000001',
   'a0000000-0000-4000-8000-000000000002', 'admin note'),
  (900003, 'aaaaaaaa-0000-4000-8000-000000000000', 'ac000000-0000-4000-8000-000000000001',
   'a0000000-0000-4000-8000-000000000004', 'marketer note');
insert into messaging_settings (org_id, opt_out_words) values ('aaaaaaaa-0000-4000-8000-000000000000', '{chega}');
insert into wa_id_lookups (phone_e164, on_whatsapp, wa_jid) values ('+5511977770001', true, '5511977770001@s.whatsapp.net');
insert into outreach_senders (instance_id, org_id) values
  ('a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000');
insert into holidays (id, org_id, day, name) values
  ('a8000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', '2026-12-25', 'Christmas');
insert into api_keys (id, org_id, name, prefix, key_hash, scopes) values
  ('a9000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'n8n', 'mk_aaaa', 'hash-a', '{read}');
insert into evolution_instance_tokens (instance_id, org_id, token_hash, api_key_id) values
  ('a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', repeat('e', 64),
   'a9000000-0000-4000-8000-000000000001');
insert into webhook_endpoints (id, org_id, url) values
  ('aa000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'https://hooks.example.com/a'),
  ('aa000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'https://hooks.example.com/b');
insert into webhook_endpoint_secrets (endpoint_id, org_id, key_id, ciphertext) values
  ('aa000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'k1', '\x00');
insert into webhook_deliveries (id, org_id, endpoint_id, event_type, payload) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'aa000000-0000-4000-8000-000000000001', 'instance:status', '{}');
insert into organization_invitations (id, org_id, email, role, token_hash, expires_at) values
  ('ac000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'guest@a.test', 'viewer',
   'inv-hash-a', now() + interval '1 day');
insert into audit_log (id, org_id, action) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'instance.create');
insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at) values
  ('ab000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
   'ab000000-0000-4000-8000-0000000000f1', 'rt-hash-a', now() + interval '1 day');

insert into segments (id, org_id, name, filter) values
  ('ac000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'VIPs', '{"tagsAny":["vip"]}');
insert into contact_consent_events (id, org_id, contact_id, state, source) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'a2000000-0000-4000-8000-000000000001', 'opted_in', 'form');
insert into contact_imports (id, org_id, filename) values
  ('ad000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'leads.csv'),
  ('ad000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'more.csv');
insert into contact_import_errors (id, org_id, import_id, line, raw, reason) overriding system value values
  (900001, 'aaaaaaaa-0000-4000-8000-000000000000', 'ad000000-0000-4000-8000-000000000001', 3, 'abc', 'not a number');
insert into contact_import_chunks (import_id, seq, org_id, data) values
  ('ad000000-0000-4000-8000-000000000001', 0, 'aaaaaaaa-0000-4000-8000-000000000000', '\x00');

-- ── harness ─────────────────────────────────────────────────────────────────────────────────────────────
create schema tests;

-- Runs one statement as the caller, then rolls it back; answers 'rows:N' or 'error:SQLSTATE'.
create function tests.try_as(p_role text, p_uid uuid, p_sql text) returns text language plpgsql as $$
declare n bigint;
begin
  begin
    perform set_config('request.jwt.claims',
      case when p_uid is null then json_build_object('role', p_role)::text
           else json_build_object('sub', p_uid, 'role', 'authenticated')::text end, true);
    perform set_config('role', p_role, true);
    execute p_sql;
    get diagnostics n = row_count;
    raise exception using errcode = 'MRG01', message = n::text;
  exception
    when sqlstate 'MRG01' then return 'rows:' || sqlerrm;
    when others then return 'error:' || sqlstate;
  end;
end $$;

create temp table actors (actor text primary key, db_role text, uid uuid, ord int);
insert into actors values
  ('anon',     'anon',          null,                                   1),
  ('outsider', 'authenticated', 'b0000000-0000-4000-8000-000000000001', 2),
  ('viewer',   'authenticated', 'a0000000-0000-4000-8000-000000000005', 3),
  ('marketer', 'authenticated', 'a0000000-0000-4000-8000-000000000004', 4),
  ('operator', 'authenticated', 'a0000000-0000-4000-8000-000000000003', 5),
  ('admin',    'authenticated', 'a0000000-0000-4000-8000-000000000002', 6),
  ('owner',    'authenticated', 'a0000000-0000-4000-8000-000000000001', 7),
  ('service',  'service_role',  null,                                   8);

-- allowed: the callers (besides 'service', always allowed) for whom the statement must affect a row.
create temp table matrix (tbl text, op text, stmt text, allowed text[], ord serial);
insert into matrix (tbl, op, stmt, allowed) values
  ('organizations', 'select', $$select 1 from organizations where id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('organizations', 'insert', $$insert into organizations (name, slug) values ('New', 'new-org-x')$$, '{}'),
  ('organizations', 'update', $$update organizations set name = name where id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{admin,owner}'),
  ('organizations', 'delete', $$delete from organizations where id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{owner}'),

  ('organization_members', 'select', $$select 1 from organization_members where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('organization_members', 'insert', $$insert into organization_members (org_id, user_id, role) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000009', 'viewer')$$, '{}'),
  ('organization_members', 'update', $$update organization_members set role = 'marketer' where user_id = 'a0000000-0000-4000-8000-000000000005'$$, '{admin,owner}'),
  ('organization_members', 'delete', $$delete from organization_members where user_id = 'a0000000-0000-4000-8000-000000000005'$$, '{admin,owner}'),

  ('instances', 'select', $$select 1 from instances where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('instances', 'insert', $$insert into instances (org_id, name) values ('aaaaaaaa-0000-4000-8000-000000000000', 'new-instance')$$, '{operator,admin,owner}'),
  ('instances', 'update', $$update instances set name = 'renamed' where id = 'a1000000-0000-4000-8000-000000000001'$$, '{operator,admin,owner}'),
  ('instances', 'delete', $$delete from instances where id = 'a1000000-0000-4000-8000-000000000001'$$, '{operator,admin,owner}'),

  ('instance_events', 'select', $$select 1 from instance_events where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('instance_events', 'insert', $$insert into instance_events (org_id, instance_id, to_status) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 'connected')$$, '{}'),
  ('instance_events', 'update', $$update instance_events set reason = 'x' where id = 900001$$, '{}'),
  ('instance_events', 'delete', $$delete from instance_events where id = 900001$$, '{}'),

  ('instance_health', 'select', $$select 1 from instance_health where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('instance_health', 'insert', $$insert into instance_health (org_id, instance_id, score) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 50)$$, '{}'),
  ('instance_health', 'update', $$update instance_health set score = 10 where id = 900001$$, '{}'),
  ('instance_health', 'delete', $$delete from instance_health where id = 900001$$, '{}'),

  ('wa_auth_creds', 'select', $$select 1 from wa_auth_creds$$, '{}'),
  ('wa_auth_creds', 'insert', $$insert into wa_auth_creds (instance_id, org_id, key_id, ciphertext) values ('a1000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'k1', '\x01')$$, '{}'),
  ('wa_auth_creds', 'update', $$update wa_auth_creds set key_id = 'k2' where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{}'),
  ('wa_auth_creds', 'delete', $$delete from wa_auth_creds where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{}'),

  ('wa_auth_keys', 'select', $$select 1 from wa_auth_keys$$, '{}'),
  ('wa_auth_keys', 'insert', $$insert into wa_auth_keys (instance_id, org_id, type, id, key_id, ciphertext) values ('a1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000000', 'session', 'x', 'k1', '\x01')$$, '{}'),
  ('wa_auth_keys', 'update', $$update wa_auth_keys set key_id = 'k2' where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{}'),
  ('wa_auth_keys', 'delete', $$delete from wa_auth_keys where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{}'),

  ('contacts', 'select', $$select 1 from contacts where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('contacts', 'insert', $$insert into contacts (org_id, phone_e164) values ('aaaaaaaa-0000-4000-8000-000000000000', '+5511977770099')$$, '{marketer,admin,owner}'),
  ('contacts', 'update', $$update contacts set name = 'Ana B' where id = 'a2000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('contacts', 'delete', $$delete from contacts where id = 'a2000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('contact_lists', 'select', $$select 1 from contact_lists where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('contact_lists', 'insert', $$insert into contact_lists (org_id, name) values ('aaaaaaaa-0000-4000-8000-000000000000', 'VIP')$$, '{marketer,admin,owner}'),
  ('contact_lists', 'update', $$update contact_lists set description = 'x' where id = 'a3000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('contact_lists', 'delete', $$delete from contact_lists where id = 'a3000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('contact_list_members', 'select', $$select 1 from contact_list_members where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('contact_list_members', 'insert', $$insert into contact_list_members (list_id, contact_id, org_id) values ('a3000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000')$$, '{marketer,admin,owner}'),
  ('contact_list_members', 'update', $$update contact_list_members set added_at = now() where list_id = 'a3000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('contact_list_members', 'delete', $$delete from contact_list_members where list_id = 'a3000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('blacklist', 'select', $$select 1 from blacklist where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('blacklist', 'insert', $$insert into blacklist (org_id, wa_lid, source) values ('aaaaaaaa-0000-4000-8000-000000000000', '1234567@lid', 'manual')$$, '{marketer,admin,owner}'),
  ('blacklist', 'update', $$update blacklist set reason = 'asked' where id = 'a4000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('blacklist', 'delete', $$delete from blacklist where id = 'a4000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('message_templates', 'select', $$select 1 from message_templates where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('message_templates', 'insert', $$insert into message_templates (org_id, name, body) values ('aaaaaaaa-0000-4000-8000-000000000000', 'Bye', 'Bye')$$, '{marketer,admin,owner}'),
  ('message_templates', 'update', $$update message_templates set body = 'Hey' where id = 'a5000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('message_templates', 'delete', $$delete from message_templates where id = 'a5000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('campaigns', 'select', $$select 1 from campaigns where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('campaigns', 'insert', $$insert into campaigns (org_id, name) values ('aaaaaaaa-0000-4000-8000-000000000000', 'Second')$$, '{marketer,admin,owner}'),
  ('campaigns', 'update', $$update campaigns set status = 'scheduled' where id = 'a6000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('campaigns', 'delete', $$delete from campaigns where id = 'a6000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('campaign_senders', 'select', $$select 1 from campaign_senders where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('campaign_senders', 'insert', $$insert into campaign_senders (campaign_id, instance_id, org_id) values ('a6000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000')$$, '{marketer,admin,owner}'),
  ('campaign_senders', 'update', $$update campaign_senders set weight = 2 where campaign_id = 'a6000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('campaign_senders', 'delete', $$delete from campaign_senders where campaign_id = 'a6000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('campaign_rounds', 'select', $$select 1 from campaign_rounds where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('campaign_rounds', 'insert', $$insert into campaign_rounds (org_id, campaign_id, round_number, scheduled_for) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a6000000-0000-4000-8000-000000000001', 2, now())$$, '{}'),
  ('campaign_rounds', 'update', $$update campaign_rounds set status = 'running' where id = 'a7000000-0000-4000-8000-000000000001'$$, '{}'),
  ('campaign_rounds', 'delete', $$delete from campaign_rounds where id = 'a7000000-0000-4000-8000-000000000001'$$, '{}'),

  ('outbound_messages', 'select', $$select 1 from outbound_messages where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('outbound_messages', 'insert', $$insert into outbound_messages (org_id, recipient_phone, body) values ('aaaaaaaa-0000-4000-8000-000000000000', '+5511977770002', 'Hi')$$, '{}'),
  ('outbound_messages', 'update', $$update outbound_messages set state = 'claimed' where id = 900001$$, '{}'),
  ('outbound_messages', 'delete', $$delete from outbound_messages where id = 900001$$, '{}'),

  ('inbound_messages', 'select', $$select 1 from inbound_messages where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('inbound_messages', 'insert', $$insert into inbound_messages (org_id, instance_id, wa_message_id, from_jid) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 'IN2', 'x@s.whatsapp.net')$$, '{}'),
  ('inbound_messages', 'update', $$update inbound_messages set is_opt_out = true where id = 900001$$, '{}'),
  ('inbound_messages', 'delete', $$delete from inbound_messages where id = 900001$$, '{}'),

  -- The inbox: everyone reads, marketers, operators and above work it; the last-message fields are the system's.
  ('conversations', 'select', $$select 1 from conversations where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('conversations', 'insert', $$insert into conversations (org_id, instance_id, peer_phone) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', '+5511977770002')$$, '{}'),
  ('conversations', 'update', $$update conversations set status = 'closed', tags = '{vip}' where id = 'ac000000-0000-4000-8000-000000000001'$$, '{marketer,operator,admin,owner}'),
  ('conversations', 'update', $$update conversations set last_message_preview = 'forged' where id = 'ac000000-0000-4000-8000-000000000001'$$, '{}'),
  ('conversations', 'delete', $$delete from conversations where id = 'ac000000-0000-4000-8000-000000000001'$$, '{}'),

  ('conversation_notes', 'select', $$select 1 from conversation_notes where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('conversation_notes', 'insert', $$insert into conversation_notes (org_id, conversation_id, body) values ('aaaaaaaa-0000-4000-8000-000000000000', 'ac000000-0000-4000-8000-000000000001', 'hi')$$, '{marketer,operator,admin,owner}'),
  ('conversation_notes', 'update', $$update conversation_notes set body = 'edited' where id = 900001$$, '{}'),
  -- The operator wrote note 900001 and the marketer 900003; the admin's note 900002 is neither's to delete.
  ('conversation_notes', 'delete', $$delete from conversation_notes where id = 900001$$, '{operator,admin,owner}'),
  ('conversation_notes', 'delete', $$delete from conversation_notes where id = 900002$$, '{admin,owner}'),
  ('conversation_notes', 'delete', $$delete from conversation_notes where id = 900003$$, '{marketer,admin,owner}'),

  ('messaging_settings', 'select', $$select 1 from messaging_settings where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('messaging_settings', 'insert', $$insert into messaging_settings (org_id) values ('aaaaaaaa-0000-4000-8000-000000000000') on conflict (org_id) do update set opt_out_use_defaults = false$$, '{marketer,admin,owner}'),
  ('messaging_settings', 'update', $$update messaging_settings set opt_out_words = '{basta}' where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{marketer,admin,owner}'),
  ('messaging_settings', 'delete', $$delete from messaging_settings where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{}'),

  ('wa_id_lookups', 'select', $$select 1 from wa_id_lookups$$, '{}'),
  ('wa_id_lookups', 'insert', $$insert into wa_id_lookups (phone_e164, on_whatsapp) values ('+5511977770002', false)$$, '{}'),
  ('wa_id_lookups', 'update', $$update wa_id_lookups set on_whatsapp = false where phone_e164 = '+5511977770001'$$, '{}'),
  ('wa_id_lookups', 'delete', $$delete from wa_id_lookups where phone_e164 = '+5511977770001'$$, '{}'),

  ('holidays', 'select', $$select 1 from holidays where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('holidays', 'insert', $$insert into holidays (org_id, day, name) values ('aaaaaaaa-0000-4000-8000-000000000000', '2027-01-01', 'New year')$$, '{marketer,admin,owner}'),
  ('holidays', 'update', $$update holidays set name = 'Xmas' where id = 'a8000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('holidays', 'delete', $$delete from holidays where id = 'a8000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  ('evolution_instance_tokens', 'select', $$select 1 from evolution_instance_tokens where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{operator,admin,owner}'),
  ('evolution_instance_tokens', 'insert', $$insert into evolution_instance_tokens (instance_id, org_id, token_hash, api_key_id) values ('a1000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', repeat('f', 64), 'a9000000-0000-4000-8000-000000000001')$$, '{operator,admin,owner}'),
  ('evolution_instance_tokens', 'update', $$update evolution_instance_tokens set token_hash = repeat('d', 64) where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{}'),
  ('evolution_instance_tokens', 'delete', $$delete from evolution_instance_tokens where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{operator,admin,owner}'),

  -- A number's pacing is the workers' alone: members read it, nobody forges it.
  ('outreach_senders', 'select', $$select 1 from outreach_senders where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('outreach_senders', 'insert', $$insert into outreach_senders (instance_id, org_id) values ('a1000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000')$$, '{}'),
  ('outreach_senders', 'update', $$update outreach_senders set next_send_at = now() where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{}'),
  ('outreach_senders', 'delete', $$delete from outreach_senders where instance_id = 'a1000000-0000-4000-8000-000000000001'$$, '{}'),

  ('api_keys', 'select', $$select 1 from api_keys where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{admin,owner}'),
  ('api_keys', 'insert', $$insert into api_keys (org_id, name, prefix, key_hash, scopes) values ('aaaaaaaa-0000-4000-8000-000000000000', 'zap', 'mk_bbbb', 'hash-b', '{send}')$$, '{admin,owner}'),
  ('api_keys', 'update', $$update api_keys set revoked_at = now() where id = 'a9000000-0000-4000-8000-000000000001'$$, '{admin,owner}'),
  ('api_keys', 'delete', $$delete from api_keys where id = 'a9000000-0000-4000-8000-000000000001'$$, '{admin,owner}'),

  ('webhook_endpoints', 'select', $$select 1 from webhook_endpoints where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{admin,owner}'),
  ('webhook_endpoints', 'insert', $$insert into webhook_endpoints (org_id, url) values ('aaaaaaaa-0000-4000-8000-000000000000', 'https://hooks.example.com/b')$$, '{admin,owner}'),
  ('webhook_endpoints', 'update', $$update webhook_endpoints set enabled = false where id = 'aa000000-0000-4000-8000-000000000001'$$, '{admin,owner}'),
  ('webhook_endpoints', 'delete', $$delete from webhook_endpoints where id = 'aa000000-0000-4000-8000-000000000001'$$, '{admin,owner}'),

  ('webhook_endpoint_secrets', 'select', $$select 1 from webhook_endpoint_secrets$$, '{}'),
  ('webhook_endpoint_secrets', 'insert', $$insert into webhook_endpoint_secrets (endpoint_id, org_id, key_id, ciphertext) values ('aa000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000000', 'k1', '\x01')$$, '{}'),
  ('webhook_endpoint_secrets', 'update', $$update webhook_endpoint_secrets set key_id = 'k2' where endpoint_id = 'aa000000-0000-4000-8000-000000000001'$$, '{}'),
  ('webhook_endpoint_secrets', 'delete', $$delete from webhook_endpoint_secrets where endpoint_id = 'aa000000-0000-4000-8000-000000000001'$$, '{}'),

  ('webhook_deliveries', 'select', $$select 1 from webhook_deliveries where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{admin,owner}'),
  ('webhook_deliveries', 'insert', $$insert into webhook_deliveries (org_id, endpoint_id, event_type, payload) values ('aaaaaaaa-0000-4000-8000-000000000000', 'aa000000-0000-4000-8000-000000000001', 'x', '{}')$$, '{}'),
  ('webhook_deliveries', 'update', $$update webhook_deliveries set status = 'dead' where id = 900001$$, '{}'),
  ('webhook_deliveries', 'delete', $$delete from webhook_deliveries where id = 900001$$, '{}'),

  ('audit_log', 'select', $$select 1 from audit_log where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{admin,owner}'),
  ('audit_log', 'insert', $$insert into audit_log (org_id, action) values ('aaaaaaaa-0000-4000-8000-000000000000', 'forged')$$, '{}'),
  ('audit_log', 'update', $$update audit_log set action = 'edited' where id = 900001$$, '{}'),
  ('audit_log', 'delete', $$delete from audit_log where id = 900001$$, '{}'),

  ('segments', 'select', $$select 1 from segments where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('segments', 'insert', $$insert into segments (org_id, name) values ('aaaaaaaa-0000-4000-8000-000000000000', 'Everyone')$$, '{marketer,admin,owner}'),
  ('segments', 'update', $$update segments set name = 'Gold' where id = 'ac000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),
  ('segments', 'delete', $$delete from segments where id = 'ac000000-0000-4000-8000-000000000001'$$, '{marketer,admin,owner}'),

  -- Consent evidence is append-only: a marketer records it, nobody edits or deletes it (erasure cascades).
  ('contact_consent_events', 'select', $$select 1 from contact_consent_events where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('contact_consent_events', 'insert', $$insert into contact_consent_events (org_id, contact_id, state, source) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a2000000-0000-4000-8000-000000000002', 'opted_out', 'manual')$$, '{marketer,admin,owner}'),
  ('contact_consent_events', 'update', $$update contact_consent_events set source = 'x' where id = 900001$$, '{}'),
  ('contact_consent_events', 'delete', $$delete from contact_consent_events where id = 900001$$, '{}'),

  -- A marketer creates an import record; only the job (service) writes its progress.
  ('contact_imports', 'select', $$select 1 from contact_imports where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('contact_imports', 'insert', $$insert into contact_imports (org_id, filename) values ('aaaaaaaa-0000-4000-8000-000000000000', 'x.csv')$$, '{marketer,admin,owner}'),
  ('contact_imports', 'update', $$update contact_imports set imported = 99 where id = 'ad000000-0000-4000-8000-000000000001'$$, '{}'),
  ('contact_imports', 'delete', $$delete from contact_imports where id = 'ad000000-0000-4000-8000-000000000002'$$, '{marketer,admin,owner}'),

  ('contact_import_errors', 'select', $$select 1 from contact_import_errors where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{viewer,marketer,operator,admin,owner}'),
  ('contact_import_errors', 'insert', $$insert into contact_import_errors (org_id, import_id, line, reason) values ('aaaaaaaa-0000-4000-8000-000000000000', 'ad000000-0000-4000-8000-000000000001', 9, 'forged')$$, '{}'),
  ('contact_import_errors', 'update', $$update contact_import_errors set reason = 'x' where id = 900001$$, '{}'),
  ('contact_import_errors', 'delete', $$delete from contact_import_errors where id = 900001$$, '{}'),

  ('contact_import_chunks', 'select', $$select 1 from contact_import_chunks$$, '{}'),
  ('contact_import_chunks', 'insert', $$insert into contact_import_chunks (import_id, seq, org_id, data) values ('ad000000-0000-4000-8000-000000000001', 1, 'aaaaaaaa-0000-4000-8000-000000000000', '\x01')$$, '{}'),
  ('contact_import_chunks', 'update', $$update contact_import_chunks set data = '\x02' where import_id = 'ad000000-0000-4000-8000-000000000001'$$, '{}'),
  ('contact_import_chunks', 'delete', $$delete from contact_import_chunks where import_id = 'ad000000-0000-4000-8000-000000000001'$$, '{}'),

  -- Invitations: admins create, list, revoke and delete them; accepting is service work.
  ('organization_invitations', 'select', $$select 1 from organization_invitations where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{admin,owner}'),
  ('organization_invitations', 'insert', $$insert into organization_invitations (org_id, email, role, token_hash, expires_at) values ('aaaaaaaa-0000-4000-8000-000000000000', 'other@a.test', 'viewer', 'inv-hash-b', now() + interval '1 day')$$, '{admin,owner}'),
  ('organization_invitations', 'update', $$update organization_invitations set revoked_at = now() where id = 'ac000000-0000-4000-8000-000000000001'$$, '{admin,owner}'),
  ('organization_invitations', 'delete', $$delete from organization_invitations where id = 'ac000000-0000-4000-8000-000000000001'$$, '{admin,owner}'),

  -- An edit or a deletion waiting for its message is the system's until it applies: nobody else reads or writes it.
  ('inbound_pending_changes', 'select', $$select 1 from inbound_pending_changes where org_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '{}'),
  ('inbound_pending_changes', 'insert', $$insert into inbound_pending_changes (org_id, instance_id, wa_message_id, from_phone, change, at) values ('aaaaaaaa-0000-4000-8000-000000000000', 'a1000000-0000-4000-8000-000000000001', 'IN8', '+5511977770001', 'deleted', now())$$, '{}'),
  ('inbound_pending_changes', 'update', $$update inbound_pending_changes set body = 'quero 3' where id = 900001$$, '{}'),
  ('inbound_pending_changes', 'delete', $$delete from inbound_pending_changes where id = 900001$$, '{}'),

  -- Refresh tokens are service-only, even for their own user: the orchestrator rotates them.
  ('refresh_tokens', 'select', $$select 1 from refresh_tokens where user_id = 'a0000000-0000-4000-8000-000000000001'$$, '{}'),
  ('refresh_tokens', 'insert', $$insert into refresh_tokens (user_id, family_id, token_hash, expires_at) values ('a0000000-0000-4000-8000-000000000001', gen_random_uuid(), 'rt-hash-b', now())$$, '{}'),
  ('refresh_tokens', 'update', $$update refresh_tokens set revoked_at = now() where id = 'ab000000-0000-4000-8000-000000000001'$$, '{}'),
  ('refresh_tokens', 'delete', $$delete from refresh_tokens where id = 'ab000000-0000-4000-8000-000000000001'$$, '{}');

-- ── assertions ──────────────────────────────────────────────────────────────────────────────────────────
-- Every public table is covered by the matrix, so a new table without rows here fails this file.
select set_eq(
  $$select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'$$,
  $$select distinct tbl from matrix$$,
  'the matrix covers every public table');

select is(
  tests.try_as(a.db_role, a.uid, m.stmt) ~ '^rows:[1-9]',
  a.actor = 'service' or a.actor = any (m.allowed),
  format('%s %s by %s → %s', m.tbl, m.op, a.actor,
         case when a.actor = 'service' or a.actor = any (m.allowed) then 'allowed' else 'denied' end))
from matrix m cross join actors a
order by m.ord, a.ord;

select * from finish();
rollback;
