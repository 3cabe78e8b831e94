-- The audit log names what it shows. An entry used to carry only ids ("instance 3d1f8a2b-…", "API key" for every
-- key), so an admin reading "instance.delete" could not tell which number had been deleted, and a deleted API key's
-- actions read as the system's (its id is set null on delete).
--
-- Two kinds of names, kept differently on purpose:
--   * Configuration objects (instances, campaigns, templates, lists, segments, API keys, webhook endpoints,
--     holidays, imports, the organization) are named when the entry is written (`target_label`, `actor_label` for
--     an API key): the entry keeps the name it had then, also once the object is deleted or renamed.
--   * People (contacts, conversations, blacklist entries, members, invitations, messages' recipients) are never
--     copied into the log: their name is looked up when the log is read (`private.audit_person_labels`), so that
--     erasing a contact (LGPD) or a user leaves no name or number behind in the log.

alter table public.audit_log
  add column actor_label text check (length(actor_label) <= 300),
  add column target_label text check (length(target_label) <= 300);

create index audit_log_org_target_idx on public.audit_log (org_id, target_type, target_id, id desc);
create index audit_log_org_actor_idx on public.audit_log (org_id, actor_user_id, id desc);
create index audit_log_org_action_idx on public.audit_log (org_id, action text_pattern_ops, id desc);

-- An entry's target id as the key of its table: ids are stored as text, and comparing `id::text` would read every
-- row of the organization instead of one; an id that is not of the key's shape names nothing.
create or replace function private.audit_uuid(p_id text) returns uuid
language sql immutable set search_path = '' as $$
  select case when p_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_id::uuid end
$$;
create or replace function private.audit_bigint(p_id text) returns bigint
language sql immutable set search_path = '' as $$
  select case when p_id ~ '^[0-9]{1,18}$' then p_id::bigint end
$$;

-- The name a configuration object has now, or null (not such an object, or not found in `p_org`).
create or replace function private.audit_config_label(p_org uuid, p_type text, p_id text)
returns text language sql stable security definer set search_path = '' as $$
  select left(case p_type
    when 'instance' then (select name from public.instances where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'campaign' then (select name from public.campaigns where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'template' then
      (select name from public.message_templates where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'list' then (select name from public.contact_lists where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'segment' then (select name from public.segments where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'api_key' then (select name from public.api_keys where id = private.audit_uuid(p_id) and org_id = p_org)
    -- Without the query string: a receiver's URL may carry a token there.
    when 'webhook_endpoint' then (select split_part(url, '?', 1) from public.webhook_endpoints
                                   where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'webhook' then (select split_part(url, '?', 1) from public.webhook_endpoints
                          where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'holiday' then (select name || ' (' || to_char(day, 'YYYY-MM-DD') || ')' from public.holidays
                          where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'import' then
      (select filename from public.contact_imports where id = private.audit_uuid(p_id) and org_id = p_org)
    when 'organization' then (select name from public.organizations where id = p_org and id = private.audit_uuid(p_id))
  end, 300)
$$;
revoke all on function private.audit_config_label(uuid, text, text) from public;

-- The names of the people a page of entries points at, read live (see above): one call per page, for the
-- organization's owners and admins (who may read its log) and trusted callers; nothing for anyone else. `p_refs`:
-- [{ type, id }] (a member acting is { type: 'user', id }). Answers the refs it could name; a person gone (an erased
-- contact, a deleted user) is not in the answer. A user is named only when the organization's log mentions them (as
-- actor or target) or they are a member, so an id alone does not reveal anyone's email.
create or replace function private.audit_person_labels(p_org uuid, p_refs jsonb)
returns table (type text, id text, label text)
language plpgsql stable security definer set search_path = '' as $$
#variable_conflict use_column
begin
  if not (private.is_trusted_caller()
          or private.has_org_role(p_org, array['owner', 'admin']::public.org_role[])) then
    return;
  end if;
  return query
    with refs as (
      select distinct r.type, r.id from jsonb_to_recordset(p_refs) as r(type text, id text)
       where r.type in ('contact', 'conversation', 'outbound_message', 'blacklist', 'user', 'invitation')
    )
    select r.type, r.id, left(case r.type
      when 'contact' then (select coalesce(nullif(trim(c.name), ''), c.phone_e164) from public.contacts c
                            where c.id = private.audit_uuid(r.id) and c.org_id = p_org)
      when 'conversation' then
        (select coalesce(nullif(trim(c.name), ''), c.phone_e164, nullif(trim(v.peer_name), ''), v.peer_phone)
           from public.conversations v left join public.contacts c on c.id = v.contact_id
          where v.id = private.audit_uuid(r.id) and v.org_id = p_org)
      when 'outbound_message' then
        (select coalesce(nullif(trim(c.name), ''), m.recipient_phone)
           from public.outbound_messages m left join public.contacts c on c.id = m.contact_id
          where m.id = private.audit_bigint(r.id) and m.org_id = p_org)
      -- An erased person's entry keeps only a hash of the number: nothing to show.
      when 'blacklist' then
        (select b.phone_e164 from public.blacklist b where b.id = private.audit_uuid(r.id) and b.org_id = p_org)
      when 'user' then
        (select u.email from auth.users u
          where u.id = private.audit_uuid(r.id)
            and (exists (select 1 from public.organization_members m where m.org_id = p_org and m.user_id = u.id)
                 or exists (select 1 from public.audit_log a where a.org_id = p_org and a.actor_user_id = u.id)
                 or exists (select 1 from public.audit_log a
                             where a.org_id = p_org and a.target_type = 'user' and a.target_id = r.id)))
      when 'invitation' then (select i.email from public.organization_invitations i
                               where i.id = private.audit_uuid(r.id) and i.org_id = p_org)
    end, 300)
    from refs r;
end $$;
revoke all on function private.audit_person_labels(uuid, jsonb) from public;
grant execute on function private.audit_person_labels(uuid, jsonb) to authenticated, service_role;

create or replace function private.record_audit(
  p_org uuid, p_action text, p_target_type text, p_target_id text, p_detail jsonb, p_ip inet, p_request_id text
) returns bigint language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := auth.uid();
  v_key uuid;
  v_key_name text;
  v_id bigint;
begin
  if not private.is_trusted_caller() and not exists (
    select 1 from public.organization_members where org_id = p_org and user_id = v_uid
  ) then
    raise exception 'not a member of this organization' using errcode = '42501';
  end if;
  select id, left(name, 300) into v_key, v_key_name from public.api_keys where principal_user_id = v_uid;
  insert into public.audit_log (org_id, actor_user_id, actor_api_key_id, actor_label, action, target_type, target_id,
                                target_label, detail, ip, request_id)
  values (p_org, case when v_key is null then v_uid end, v_key, v_key_name, p_action, p_target_type, p_target_id,
          private.audit_config_label(p_org, p_target_type, p_target_id), coalesce(p_detail, '{}'::jsonb), p_ip,
          p_request_id)
  returning id into v_id;
  return v_id;
end $$;

revoke all on function private.record_audit(uuid, text, text, text, jsonb, inet, text) from public;
grant execute on function private.record_audit(uuid, text, text, text, jsonb, inet, text) to authenticated, service_role;

-- Entries written before: named after what still exists.
update public.audit_log a
   set target_label = private.audit_config_label(a.org_id, a.target_type, a.target_id)
 where a.target_type is not null and a.target_id is not null;
update public.audit_log a
   set actor_label = left(k.name, 300)
  from public.api_keys k
 where k.id = a.actor_api_key_id;
