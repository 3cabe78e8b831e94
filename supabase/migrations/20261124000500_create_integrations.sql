-- Integrations and accountability: API keys, webhook endpoints with their outbox, and the audit log.

create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 100),
  -- The first characters of the key, shown in lists so people can tell keys apart; the key itself is never stored.
  prefix text not null unique,
  key_hash text not null unique,
  scopes text[] not null check (
    cardinality(scopes) >= 1 and scopes <@ array['read', 'send', 'instances', 'campaigns', 'admin']
  ),
  created_by uuid references auth.users (id) on delete set null,
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_keys_org_id_idx on public.api_keys (org_id);

create table public.webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  url text not null check (url ~ '^https?://' and length(url) <= 2048),
  -- Event names like 'instance:status'; empty means every event.
  events text[] not null default '{}',
  enabled boolean not null default true,
  description text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, id)
);
create index webhook_endpoints_org_id_idx on public.webhook_endpoints (org_id);
create trigger webhook_endpoints_touch before update on public.webhook_endpoints
  for each row execute function private.touch_updated_at();

-- Signing secrets, encrypted like the WhatsApp credentials; service-only.
create table public.webhook_endpoint_secrets (
  endpoint_id uuid primary key references public.webhook_endpoints (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  key_id text not null,
  ciphertext bytea not null,
  created_at timestamptz not null default now()
);
create index webhook_endpoint_secrets_org_id_idx on public.webhook_endpoint_secrets (org_id);

create type public.webhook_delivery_status as enum ('pending', 'delivering', 'delivered', 'failed', 'dead');

-- The outbox: written in the same transaction as the event's cause, delivered by jobs, kept for redelivery.
create table public.webhook_deliveries (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  endpoint_id uuid not null,
  event_id uuid not null default gen_random_uuid(),
  event_type text not null,
  payload jsonb not null,
  status public.webhook_delivery_status not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (endpoint_id, event_id),
  foreign key (org_id, endpoint_id) references public.webhook_endpoints (org_id, id) on delete cascade
);
create index webhook_deliveries_org_id_idx on public.webhook_deliveries (org_id, id);
create index webhook_deliveries_due_idx on public.webhook_deliveries (next_attempt_at)
  where status in ('pending', 'failed');
create trigger webhook_deliveries_touch before update on public.webhook_deliveries
  for each row execute function private.touch_updated_at();

create table public.audit_log (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  actor_user_id uuid references auth.users (id) on delete set null,
  actor_api_key_id uuid references public.api_keys (id) on delete set null,
  action text not null,
  target_type text,
  target_id text,
  detail jsonb not null default '{}'::jsonb,
  ip inet,
  request_id text,
  created_at timestamptz not null default now()
);
create index audit_log_org_id_idx on public.audit_log (org_id, id desc);

alter table public.api_keys enable row level security;
alter table public.webhook_endpoints enable row level security;
alter table public.webhook_endpoint_secrets enable row level security;
alter table public.webhook_deliveries enable row level security;
alter table public.audit_log enable row level security;

-- Admins and owners manage keys and webhooks, and read deliveries and the audit trail (only the service writes those).
select private.create_tenant_policies(t, '{owner,admin}', '{owner,admin}')
from unnest(array['api_keys', 'webhook_endpoints']) t;
select private.create_tenant_policies(t, '{owner,admin}', '{}')
from unnest(array['webhook_deliveries', 'audit_log']) t;

revoke all on public.api_keys, public.webhook_endpoints, public.webhook_endpoint_secrets,
  public.webhook_deliveries, public.audit_log from anon, authenticated;
-- key_hash is left out of the readable columns: a list of keys never carries material to attack offline.
grant select (id, org_id, name, prefix, scopes, created_by, last_used_at, expires_at, revoked_at, created_at)
  on public.api_keys to authenticated;
grant insert, delete on public.api_keys to authenticated;
grant update (name, revoked_at, expires_at) on public.api_keys to authenticated;
grant select, insert, update, delete on public.webhook_endpoints to authenticated;
grant select on public.webhook_deliveries, public.audit_log to authenticated;
grant all on public.api_keys, public.webhook_endpoints, public.webhook_endpoint_secrets,
  public.webhook_deliveries, public.audit_log to service_role;
