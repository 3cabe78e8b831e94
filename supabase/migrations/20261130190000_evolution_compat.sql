-- The Evolution API compatibility layer keeps its per-instance webhooks in the same durable outbox as every other
-- endpoint. An endpoint says which body format it receives; an Evolution endpoint belongs to one instance (events of
-- other instances are not written for it) and, with by_events, gets each event at <url>/<event-name>.
alter table public.webhook_endpoints
  add column format text not null default 'mirage' check (format in ('mirage', 'evolution')),
  add column instance_id uuid references public.instances (id) on delete cascade,
  add column by_events boolean not null default false,
  add constraint webhook_endpoints_evolution_instance check (format = 'mirage' or instance_id is not null);

-- Evolution keeps one webhook per instance.
create unique index webhook_endpoints_one_evolution_per_instance
  on public.webhook_endpoints (instance_id) where format = 'evolution';

create or replace function private.write_webhook_outbox(
  p_org uuid, p_type text, p_payload jsonb, p_endpoint uuid default null
) returns setof bigint language sql security definer set search_path = '' as $$
  insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload)
  select e.org_id, e.id, p_type, p_payload
  from public.webhook_endpoints e
  where e.org_id = p_org and e.enabled
    and (p_endpoint is null or e.id = p_endpoint)
    and (cardinality(e.events) = 0 or p_type = any (e.events))
    and (e.instance_id is null or e.instance_id::text = p_payload ->> 'instanceId')
  returning id
$$;
revoke all on function private.write_webhook_outbox(uuid, text, jsonb, uuid) from public, anon, authenticated;

-- Evolution issues each instance its own key at creation: stored as a SHA-256 hash, it acts for that instance only.
create table public.evolution_instance_tokens (
  instance_id uuid primary key references public.instances (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  token_hash text not null unique check (length(token_hash) = 64),
  -- The API key that created the instance: the token acts as that key's principal, with its scopes, under RLS.
  api_key_id uuid not null references public.api_keys (id) on delete cascade,
  created_at timestamptz not null default now()
);
create index evolution_instance_tokens_org on public.evolution_instance_tokens (org_id);
alter table public.evolution_instance_tokens enable row level security;
revoke all on public.evolution_instance_tokens from anon, authenticated;
create policy evolution_instance_tokens_select on public.evolution_instance_tokens for select to authenticated
  using (private.has_org_role(org_id, array['owner', 'admin', 'operator']::public.org_role[]));
create policy evolution_instance_tokens_insert on public.evolution_instance_tokens for insert to authenticated
  with check (private.has_org_role(org_id, array['owner', 'admin', 'operator']::public.org_role[]));
create policy evolution_instance_tokens_delete on public.evolution_instance_tokens for delete to authenticated
  using (private.has_org_role(org_id, array['owner', 'admin', 'operator']::public.org_role[]));
grant select, insert, delete on public.evolution_instance_tokens to authenticated;
grant all on public.evolution_instance_tokens to service_role;
