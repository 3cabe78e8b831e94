-- What the orchestrator's API needs beyond the core schema: rotating refresh tokens for the builtin auth provider,
-- API-key principals (so requests made with a key still run under RLS), an audit writer that cannot be forged,
-- and the webhook outbox fed by triggers in the same transaction as each event's cause.

-- ── Refresh tokens (AUTH_PROVIDER=builtin) ─────────────────────────────────────────────────────────────
-- One row per issued refresh token; a rotation marks the parent rotated and inserts the child in the same family.
-- Presenting a rotated token again is reuse (a stolen token replayed): the whole family is revoked.
-- Service-only: no user reads or writes these through the Data API.
create table public.refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  family_id uuid not null,
  parent_id uuid references public.refresh_tokens (id) on delete set null,
  -- sha256 of the opaque token; the token itself is never stored.
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  revoked_reason text,
  user_agent text,
  ip inet
);
create index refresh_tokens_user_id_idx on public.refresh_tokens (user_id);
create index refresh_tokens_family_id_idx on public.refresh_tokens (family_id);
alter table public.refresh_tokens enable row level security;
revoke all on public.refresh_tokens from anon, authenticated;
grant all on public.refresh_tokens to service_role;

-- ── API-key principals ─────────────────────────────────────────────────────────────────────────────────
-- Each API key acts as a machine user: a row in auth.users without a password, member of the key's organization
-- with a role derived from its scopes. Requests made with the key run asUser with that principal's claims, so the
-- same RLS policies that bound people bound keys; revoking a key removes its membership, so even a bug in the
-- app's key check cannot reach data afterwards.
alter table public.api_keys add column principal_user_id uuid unique references auth.users (id) on delete set null;

alter table public.organization_members
  add column kind text not null default 'user' check (kind in ('user', 'api_key'));
alter table public.organization_members
  add constraint organization_members_api_key_not_owner check (kind = 'user' or role <> 'owner');
-- Members manage roles, never the kind of a membership.
revoke insert, update on public.organization_members from authenticated;
grant insert (org_id, user_id, role) on public.organization_members to authenticated;
grant update (role) on public.organization_members to authenticated;

create or replace function private.api_key_lifecycle() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'DELETE' then
    if old.principal_user_id is not null then
      delete from auth.users where id = old.principal_user_id;
    end if;
    return old;
  end if;
  if new.revoked_at is not null and old.revoked_at is null and new.principal_user_id is not null then
    delete from public.organization_members where user_id = new.principal_user_id;
  end if;
  return new;
end $$;
revoke all on function private.api_key_lifecycle() from public;

create trigger api_keys_lifecycle after update of revoked_at or delete on public.api_keys
  for each row execute function private.api_key_lifecycle();

-- ── Audit log writer ───────────────────────────────────────────────────────────────────────────────────
-- The audit log stays service-written, but a user's own request records its row in the same transaction through
-- this function: the actor comes from auth.uid() (an API-key principal is recorded as its key), never from input,
-- and only members of the organization can write into it.
-- Tells a trusted caller (service work or a direct connection: no user claims) from a user request. Inside a
-- SECURITY DEFINER function current_user is the owner, so the caller is read from the JWT claims instead.
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

revoke all on function private.record_audit(uuid, text, text, text, jsonb, inet, text) from public;
grant execute on function private.record_audit(uuid, text, text, text, jsonb, inet, text) to authenticated, service_role;

-- ── Webhook secrets and redelivery, on behalf of admins ────────────────────────────────────────────────
-- Secrets stay service-only for reading; an admin of the endpoint's organization may set one (encrypted by the
-- orchestrator) inside the same transaction that created the endpoint.
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

revoke all on function private.set_webhook_secret(uuid, text, bytea) from public;
grant execute on function private.set_webhook_secret(uuid, text, bytea) to authenticated, service_role;

-- Puts a delivery back in the queue (any status): answers false when the caller cannot see it.
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

revoke all on function private.request_webhook_redelivery(bigint) from public;
grant execute on function private.request_webhook_redelivery(bigint) to authenticated, service_role;

-- ── The outbox ─────────────────────────────────────────────────────────────────────────────────────────
-- One delivery row per enabled endpoint of the organization whose filter matches (an empty filter matches all).
-- Called by triggers below (same transaction as the cause), by workers for events without a row (QR codes), and
-- by admins for test events (then limited to their organizations).
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

revoke all on function private.enqueue_webhook_event(uuid, text, jsonb, uuid) from public;
grant execute on function private.enqueue_webhook_event(uuid, text, jsonb, uuid) to authenticated, service_role;

-- Event payloads carry what an integration needs to act without a second call, never message bodies.
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

revoke all on function private.outbox_on_change() from public;

create trigger instances_outbox after insert or update of status on public.instances
  for each row execute function private.outbox_on_change();
create trigger outbound_messages_outbox after update of state on public.outbound_messages
  for each row execute function private.outbox_on_change();
create trigger campaigns_outbox after insert or update of status on public.campaigns
  for each row execute function private.outbox_on_change();
create trigger blacklist_outbox after insert or update or delete on public.blacklist
  for each row execute function private.outbox_on_change();

-- Wakes the orchestrator's dispatcher as soon as a delivery becomes due (it also polls, so a lost notification
-- only delays a delivery). The payload is the delivery id.
create or replace function private.notify_webhook_delivery() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform pg_notify('mirage_webhook_deliveries', new.id::text);
  return null;
end $$;
revoke all on function private.notify_webhook_delivery() from public;

create trigger webhook_deliveries_notify after insert or update of status on public.webhook_deliveries
  for each row when (new.status = 'pending') execute function private.notify_webhook_delivery();
