-- Fixes the caller checks of 20261124001000's SECURITY DEFINER functions. Inside a definer function current_user
-- is the function's owner, never 'authenticated', so those checks never ran. The caller is told apart by the
-- request's JWT claims instead (auth.role(): 'authenticated' for asUser and the Data API, 'service_role' for
-- service work; no claims at all means a trusted direct connection such as a migration or the CLI).
-- The outbox write the triggers need moves to private.write_webhook_outbox, which no API role may execute, so the
-- checked entry point can refuse callers without breaking an operator's instance update.

create or replace function private.is_trusted_caller() returns boolean
language sql stable set search_path = '' as $$
  select coalesce(auth.role(), 'service_role') = 'service_role'
$$;
revoke all on function private.is_trusted_caller() from public;
grant execute on function private.is_trusted_caller() to authenticated, service_role;

create or replace function private.record_audit(
  p_org uuid, p_action text, p_target_type text, p_target_id text, p_detail jsonb, p_ip inet, p_request_id text
) returns bigint language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := auth.uid();
  v_key uuid;
  v_id bigint;
begin
  if not private.is_trusted_caller() and not exists (
    select 1 from public.organization_members where org_id = p_org and user_id = v_uid
  ) then
    raise exception 'not a member of this organization' using errcode = '42501';
  end if;
  select id into v_key from public.api_keys where principal_user_id = v_uid;
  insert into public.audit_log (org_id, actor_user_id, actor_api_key_id, action, target_type, target_id, detail, ip, request_id)
  values (p_org, case when v_key is null then v_uid end, v_key, p_action, p_target_type, p_target_id,
          coalesce(p_detail, '{}'::jsonb), p_ip, p_request_id)
  returning id into v_id;
  return v_id;
end $$;

create or replace function private.set_webhook_secret(p_endpoint uuid, p_key_id text, p_ciphertext bytea)
returns void language plpgsql security definer set search_path = '' as $$
declare v_org uuid;
begin
  select org_id into v_org from public.webhook_endpoints where id = p_endpoint;
  if v_org is null or (not private.is_trusted_caller()
      and not private.has_org_role(v_org, array['owner', 'admin']::public.org_role[])) then
    raise exception 'webhook endpoint not found' using errcode = 'P0002';
  end if;
  insert into public.webhook_endpoint_secrets (endpoint_id, org_id, key_id, ciphertext)
  values (p_endpoint, v_org, p_key_id, p_ciphertext)
  on conflict (endpoint_id) do update set key_id = excluded.key_id, ciphertext = excluded.ciphertext, created_at = now();
end $$;

create or replace function private.request_webhook_redelivery(p_delivery bigint)
returns boolean language plpgsql security definer set search_path = '' as $$
declare v_count int;
begin
  update public.webhook_deliveries
     set status = 'pending', next_attempt_at = now(), last_error = null
   where id = p_delivery
     and (private.is_trusted_caller()
          or org_id in (select private.user_org_ids_with(array['owner', 'admin']::public.org_role[])));
  get diagnostics v_count = row_count;
  return v_count = 1;
end $$;

-- Unchecked: for the triggers (which run as the owner) and the checked entry point below. No API role executes it.
create or replace function private.write_webhook_outbox(
  p_org uuid, p_type text, p_payload jsonb, p_endpoint uuid default null
) returns setof bigint language sql security definer set search_path = '' as $$
  insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload)
  select e.org_id, e.id, p_type, p_payload
  from public.webhook_endpoints e
  where e.org_id = p_org and e.enabled
    and (p_endpoint is null or e.id = p_endpoint)
    and (cardinality(e.events) = 0 or p_type = any (e.events))
  returning id
$$;
revoke all on function private.write_webhook_outbox(uuid, text, jsonb, uuid) from public, anon, authenticated;

create or replace function private.enqueue_webhook_event(
  p_org uuid, p_type text, p_payload jsonb, p_endpoint uuid default null
) returns setof bigint language plpgsql security definer set search_path = '' as $$
begin
  if not private.is_trusted_caller()
     and not private.has_org_role(p_org, array['owner', 'admin']::public.org_role[]) then
    raise exception 'organization not found' using errcode = 'P0002';
  end if;
  return query select * from private.write_webhook_outbox(p_org, p_type, p_payload, p_endpoint);
end $$;

create or replace function private.outbox_on_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_table_name = 'instances' then
    if tg_op = 'INSERT' or new.status is distinct from old.status then
      perform private.write_webhook_outbox(new.org_id, 'instance:status', jsonb_build_object(
        'instanceId', new.id, 'name', new.name, 'status', new.status, 'reason', new.status_reason));
    end if;
  elsif tg_table_name = 'outbound_messages' then
    if tg_op = 'UPDATE' and new.state is distinct from old.state then
      perform private.write_webhook_outbox(new.org_id, 'message:status', jsonb_build_object(
        'messageId', new.id, 'campaignId', new.campaign_id, 'instanceId', new.instance_id,
        'recipientPhone', new.recipient_phone, 'state', new.state, 'waMessageId', new.wa_message_id,
        'errorCode', new.error_code));
    end if;
  elsif tg_table_name = 'campaigns' then
    if tg_op = 'INSERT' or new.status is distinct from old.status then
      perform private.write_webhook_outbox(new.org_id, 'campaign:progress', jsonb_build_object(
        'campaignId', new.id, 'name', new.name, 'status', new.status));
    end if;
  elsif tg_table_name = 'blacklist' then
    perform private.write_webhook_outbox(coalesce(new.org_id, old.org_id), 'blacklist:changed', jsonb_build_object(
      'op', lower(tg_op), 'id', coalesce(new.id, old.id), 'phoneE164', coalesce(new.phone_e164, old.phone_e164),
      'waLid', coalesce(new.wa_lid, old.wa_lid), 'source', coalesce(new.source, old.source)));
  end if;
  return null;
end $$;
