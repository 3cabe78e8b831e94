-- Webhook signing secrets are sealed like the WhatsApp credentials: AES-256-GCM under the one key ring, with
-- associated data naming the endpoint, so a ciphertext copied onto another endpoint fails to decrypt. Rows written
-- before carry no associated data (aad_bound = false); they stay readable, and the orchestrator re-encrypts them
-- (and any row under a retired key) when it starts.
alter table public.webhook_endpoint_secrets add column aad_bound boolean not null default false;
alter table public.webhook_endpoint_secrets alter column aad_bound set default true;

create or replace function private.set_webhook_secret(p_endpoint uuid, p_key_id text, p_ciphertext bytea)
returns void language plpgsql security definer set search_path = '' as $$
declare v_org uuid;
begin
  select org_id into v_org from public.webhook_endpoints where id = p_endpoint;
  if v_org is null or (not private.is_trusted_caller()
      and not private.has_org_role(v_org, array['owner', 'admin']::public.org_role[])) then
    raise exception 'webhook endpoint not found' using errcode = 'P0002';
  end if;
  insert into public.webhook_endpoint_secrets (endpoint_id, org_id, key_id, ciphertext, aad_bound)
  values (p_endpoint, v_org, p_key_id, p_ciphertext, true)
  on conflict (endpoint_id) do update
    set key_id = excluded.key_id, ciphertext = excluded.ciphertext, aad_bound = true, created_at = now();
end $$;
