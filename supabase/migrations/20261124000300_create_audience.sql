-- Audience: contacts, lists, and the blacklist (by phone and/or WhatsApp LID).

create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  phone_e164 text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  wa_lid text,
  name text,
  custom_fields jsonb not null default '{}'::jsonb check (jsonb_typeof(custom_fields) = 'object'),
  tags text[] not null default '{}',
  opted_out_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, phone_e164),
  -- Target of composite foreign keys, so a row can only reference records of its own organization.
  unique (org_id, id)
);
create index contacts_org_id_idx on public.contacts (org_id);
create index contacts_org_lid_idx on public.contacts (org_id, wa_lid) where wa_lid is not null;
create index contacts_tags_idx on public.contacts using gin (tags);
create trigger contacts_touch before update on public.contacts
  for each row execute function private.touch_updated_at();

create table public.contact_lists (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 200),
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id)
);
create index contact_lists_org_id_idx on public.contact_lists (org_id);
create trigger contact_lists_touch before update on public.contact_lists
  for each row execute function private.touch_updated_at();

create table public.contact_list_members (
  list_id uuid not null,
  contact_id uuid not null,
  org_id uuid not null references public.organizations (id) on delete cascade,
  added_at timestamptz not null default now(),
  primary key (list_id, contact_id),
  -- Composite keys: RLS checks only the row's org_id, so the list and contact must be proven to be in that org too.
  foreign key (org_id, list_id) references public.contact_lists (org_id, id) on delete cascade,
  foreign key (org_id, contact_id) references public.contacts (org_id, id) on delete cascade
);
create index contact_list_members_org_id_idx on public.contact_list_members (org_id);
create index contact_list_members_contact_idx on public.contact_list_members (contact_id);

create type public.blacklist_source as enum ('manual', 'opt_out', 'import', 'api', 'bounce');

create table public.blacklist (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  phone_e164 text check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  wa_lid text,
  source public.blacklist_source not null default 'manual',
  reason text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  check (phone_e164 is not null or wa_lid is not null)
);
create index blacklist_org_id_idx on public.blacklist (org_id);
create unique index blacklist_org_phone_key on public.blacklist (org_id, phone_e164) where phone_e164 is not null;
create unique index blacklist_org_lid_key on public.blacklist (org_id, wa_lid) where wa_lid is not null;

alter table public.contacts enable row level security;
alter table public.contact_lists enable row level security;
alter table public.contact_list_members enable row level security;
alter table public.blacklist enable row level security;

select private.create_tenant_policies(t, '{owner,admin,operator,marketer,viewer}', '{owner,admin,marketer}')
from unnest(array['contacts', 'contact_lists', 'contact_list_members', 'blacklist']) t;

revoke all on public.contacts, public.contact_lists, public.contact_list_members, public.blacklist from anon;
grant select, insert, update, delete on public.contacts, public.contact_lists, public.contact_list_members,
  public.blacklist to authenticated;
grant all on public.contacts, public.contact_lists, public.contact_list_members, public.blacklist to service_role;
