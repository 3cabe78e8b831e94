-- WhatsApp instances (one paired number each), their state history, health samples and Baileys auth state.

create type public.instance_status as enum (
  'pending_pairing', 'connecting', 'connected', 'degraded', 'restricted',
  'logged_out', 'banned', 'stopped', 'failed'
);

create table public.instances (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 100),
  phone_e164 text check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  wa_jid text,
  wa_lid text,
  status public.instance_status not null default 'pending_pairing',
  status_reason text,
  -- Placement: which worker hosts the socket, and the fencing epoch that makes a stale host stand down.
  worker_id text,
  epoch bigint not null default 0,
  health_score smallint check (health_score between 0 and 100),
  hourly_cap integer check (hourly_cap > 0),
  daily_cap integer check (daily_cap > 0),
  warmup_stage smallint not null default 0 check (warmup_stage >= 0),
  restricted_until timestamptz,
  settings jsonb not null default '{}'::jsonb,
  last_connected_at timestamptz,
  last_inbound_at timestamptz,
  last_outbound_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id)
);
create index instances_org_id_idx on public.instances (org_id);
create index instances_worker_id_idx on public.instances (worker_id) where worker_id is not null;
create unique index instances_org_phone_key on public.instances (org_id, phone_e164) where phone_e164 is not null;
create trigger instances_touch before update on public.instances
  for each row execute function private.touch_updated_at();

create table public.instance_events (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  instance_id uuid not null references public.instances (id) on delete cascade,
  from_status public.instance_status,
  to_status public.instance_status not null,
  reason text,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index instance_events_org_id_idx on public.instance_events (org_id);
create index instance_events_instance_idx on public.instance_events (instance_id, id desc);

create table public.instance_health (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  instance_id uuid not null references public.instances (id) on delete cascade,
  score smallint not null check (score between 0 and 100),
  reasons jsonb not null default '[]'::jsonb,
  metrics jsonb not null default '{}'::jsonb,
  sampled_at timestamptz not null default now()
);
create index instance_health_org_id_idx on public.instance_health (org_id);
create index instance_health_instance_idx on public.instance_health (instance_id, sampled_at desc);

-- Baileys auth state. Service-only: ciphertext is AES-256-GCM (nonce || tag || data) under the key named by key_id,
-- so keys can rotate while old rows stay readable.
create table public.wa_auth_creds (
  instance_id uuid primary key references public.instances (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  key_id text not null,
  ciphertext bytea not null,
  updated_at timestamptz not null default now()
);
create index wa_auth_creds_org_id_idx on public.wa_auth_creds (org_id);

create table public.wa_auth_keys (
  instance_id uuid not null references public.instances (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  type text not null,
  id text not null,
  key_id text not null,
  ciphertext bytea not null,
  updated_at timestamptz not null default now(),
  primary key (instance_id, type, id)
);
create index wa_auth_keys_org_id_idx on public.wa_auth_keys (org_id);

alter table public.instances enable row level security;
alter table public.instance_events enable row level security;
alter table public.instance_health enable row level security;
alter table public.wa_auth_creds enable row level security;
alter table public.wa_auth_keys enable row level security;

select private.create_tenant_policies('instances', '{owner,admin,operator,marketer,viewer}', '{owner,admin,operator}');
select private.create_tenant_policies(t, '{owner,admin,operator,marketer,viewer}', '{}')
from unnest(array['instance_events', 'instance_health']) t;
-- wa_auth_*: RLS on and no policy at all, so even a mistaken grant exposes nothing.

revoke all on public.instances, public.instance_events, public.instance_health,
  public.wa_auth_creds, public.wa_auth_keys from anon, authenticated;
grant select, insert, delete on public.instances to authenticated;
-- Users edit configuration; status, placement and health are written by the system only.
grant update (name, phone_e164, hourly_cap, daily_cap, warmup_stage, settings) on public.instances to authenticated;
grant select on public.instance_events, public.instance_health to authenticated;
grant all on public.instances, public.instance_events, public.instance_health,
  public.wa_auth_creds, public.wa_auth_keys to service_role;
