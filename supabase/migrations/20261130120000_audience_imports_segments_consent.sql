-- Audience made usable: the organization's default country for numbers written without one, consent per contact
-- with its history, saved segments, CSV imports (their bytes, their record and every rejected line), and the
-- blacklist's salted hash of an erased number (so an opt-out survives the erasure of the person's data).

alter table public.organizations add column if not exists default_country text check (default_country ~ '^[A-Z]{2}$');

-- ── contacts ────────────────────────────────────────────────────────────────────────────────────────────────
create type public.consent_state as enum ('unknown', 'opted_in', 'opted_out');

alter table public.contacts
  -- Every other number the person was given with (a Google Contacts cell may hold several); the primary is the
  -- mobile, so it is the one campaigns use.
  add column alt_phones text[] not null default '{}',
  add column line_type text,
  add column consent_state public.consent_state not null default 'unknown',
  add column consent_source text check (length(consent_source) <= 200),
  add column consent_at timestamptz,
  -- Kept by triggers on the message tables, so segments on "replied" and "last message" are one indexed column.
  add column last_inbound_at timestamptz,
  add column last_outbound_at timestamptz,
  add constraint contacts_alt_phones_check check (cardinality(alt_phones) <= 20),
  add constraint contacts_name_check check (length(name) <= 500);

-- Keyset pages (newest first), name search, "replied". Custom-field filters scan: over a whole organization a GIN
-- index rarely beats a parallel scan, and it would slow every imported row. The plain org_id index is redundant
-- with the two unique indexes that lead with org_id, and imports pay for each index on every row.
create index contacts_org_created_idx on public.contacts (org_id, created_at, id);
create index contacts_org_name_idx on public.contacts (org_id, lower(name) text_pattern_ops);
create index contacts_org_last_inbound_idx on public.contacts (org_id, last_inbound_at) where last_inbound_at is not null;
drop index public.contacts_org_id_idx;

create or replace function private.contact_touch_inbound() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.contact_id is not null then
    update public.contacts set last_inbound_at = greatest(coalesce(last_inbound_at, new.received_at), new.received_at)
      where org_id = new.org_id and id = new.contact_id;
  end if;
  return null;
end $$;
create trigger inbound_messages_contact_touch after insert on public.inbound_messages
  for each row execute function private.contact_touch_inbound();

create or replace function private.contact_touch_outbound() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.contact_id is not null and new.sent_at is not null
     and (tg_op = 'INSERT' or old.sent_at is distinct from new.sent_at) then
    update public.contacts set last_outbound_at = greatest(coalesce(last_outbound_at, new.sent_at), new.sent_at)
      where org_id = new.org_id and id = new.contact_id;
  end if;
  return null;
end $$;
create trigger outbound_messages_contact_touch after insert or update of sent_at on public.outbound_messages
  for each row execute function private.contact_touch_outbound();
revoke all on function private.contact_touch_inbound(), private.contact_touch_outbound() from public;

-- Consent evidence: append-only (LGPD Art. 8: the controller proves consent), erased with the contact.
create table public.contact_consent_events (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  contact_id uuid not null,
  state public.consent_state not null,
  source text not null check (length(source) between 1 and 200),
  evidence text check (length(evidence) <= 2000),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (org_id, contact_id) references public.contacts (org_id, id) on delete cascade
);
create index contact_consent_events_org_id_idx on public.contact_consent_events (org_id, contact_id, id);

-- ── segments ────────────────────────────────────────────────────────────────────────────────────────────────
create table public.segments (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 200),
  description text check (length(description) <= 2000),
  -- Validated by the API's zod schema (contracts/segments.ts) and compiled to SQL by @mirage/db/segments.
  filter jsonb not null default '{}'::jsonb check (jsonb_typeof(filter) = 'object'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id)
);
create index segments_org_id_idx on public.segments (org_id);
create trigger segments_touch before update on public.segments
  for each row execute function private.touch_updated_at();

-- ── imports ─────────────────────────────────────────────────────────────────────────────────────────────────
create type public.import_status as enum ('uploading', 'queued', 'running', 'completed', 'failed');

create table public.contact_imports (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  status public.import_status not null default 'uploading',
  filename text check (length(filename) <= 300),
  size_bytes bigint not null default 0 check (size_bytes >= 0),
  encoding text,
  delimiter text,
  -- {"columns": {"phone": ["Celular"], "name": ["Nome"], …}, "tags": […], "listId": …, "defaultCountry": "BR"}
  options jsonb not null default '{}'::jsonb,
  -- The mapping actually used (guessed from the header, or the caller's), recorded for reading back.
  mapping jsonb,
  rows_read integer not null default 0,
  imported integer not null default 0,
  merged integer not null default 0,
  rejected integer not null default 0,
  error text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  unique (org_id, id)
);
create index contact_imports_org_id_idx on public.contact_imports (org_id, created_at desc);

create table public.contact_import_errors (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  import_id uuid not null,
  line integer not null,
  column_name text,
  raw text,
  reason text not null,
  foreign key (org_id, import_id) references public.contact_imports (org_id, id) on delete cascade
);
create index contact_import_errors_import_idx on public.contact_import_errors (import_id, line, id);
create index contact_import_errors_org_id_idx on public.contact_import_errors (org_id);

-- The uploaded bytes, in 1 MiB chunks, until the import job has read them: Postgres is the one store every process
-- already shares, so the job may run in any orchestrator replica. Service-only; deleted when the import finishes.
create table public.contact_import_chunks (
  import_id uuid not null,
  seq integer not null check (seq >= 0),
  org_id uuid not null references public.organizations (id) on delete cascade,
  data bytea not null,
  primary key (import_id, seq),
  foreign key (org_id, import_id) references public.contact_imports (org_id, id) on delete cascade
);
create index contact_import_chunks_org_id_idx on public.contact_import_chunks (org_id);

-- ── blacklist: erased numbers ───────────────────────────────────────────────────────────────────────────────
-- An erased contact's number is kept only as hmac(org salt, E.164): enough to refuse it again, not to read it.
create table private.org_privacy_salts (
  org_id uuid primary key references public.organizations (id) on delete cascade,
  salt bytea not null default extensions.gen_random_bytes(32)
);
revoke all on private.org_privacy_salts from public;

alter table public.blacklist add column phone_hash text check (phone_hash ~ '^[0-9a-f]{64}$');
alter table public.blacklist drop constraint blacklist_check;
alter table public.blacklist add constraint blacklist_target_check
  check (phone_e164 is not null or wa_lid is not null or phone_hash is not null);
create unique index blacklist_org_hash_key on public.blacklist (org_id, phone_hash) where phone_hash is not null;

-- The salted hash of a number for an organization (the salt is created on first use). Security definer: the salt
-- itself is never readable; callers must belong to the organization.
create or replace function public.blacklist_phone_hash(p_org uuid, p_phone text) returns text
language plpgsql security definer set search_path = '' as $$
declare v_salt bytea;
begin
  if current_user = 'authenticated' and not private.has_org_role(p_org,
      array['owner', 'admin', 'operator', 'marketer', 'viewer']::public.org_role[]) then
    raise exception 'not a member of this organization' using errcode = '42501';
  end if;
  select salt into v_salt from private.org_privacy_salts where org_id = p_org;
  if v_salt is null then
    insert into private.org_privacy_salts (org_id) values (p_org) on conflict (org_id) do nothing;
    select salt into v_salt from private.org_privacy_salts where org_id = p_org;
  end if;
  return encode(extensions.hmac(convert_to(p_phone, 'UTF8'), v_salt, 'sha256'), 'hex');
end $$;
revoke all on function public.blacklist_phone_hash(uuid, text) from public;
grant execute on function public.blacklist_phone_hash(uuid, text) to authenticated, service_role;

-- ── RLS ─────────────────────────────────────────────────────────────────────────────────────────────────────
alter table public.contact_consent_events enable row level security;
alter table public.segments enable row level security;
alter table public.contact_imports enable row level security;
alter table public.contact_import_errors enable row level security;
alter table public.contact_import_chunks enable row level security;

select private.create_tenant_policies('segments', '{owner,admin,operator,marketer,viewer}', '{owner,admin,marketer}');
-- Consent events are appended by marketers and never edited (no update or delete grant).
select private.create_tenant_policies('contact_consent_events', '{owner,admin,operator,marketer,viewer}',
  '{owner,admin,marketer}');
-- Import records: a marketer creates one (the API does, then uploads); only the job writes progress and errors.
select private.create_tenant_policies('contact_imports', '{owner,admin,operator,marketer,viewer}', '{}');
create policy contact_imports_insert on public.contact_imports for insert to authenticated
  with check (org_id in (select private.user_org_ids_with('{owner,admin,marketer}'::public.org_role[])));
create policy contact_imports_delete on public.contact_imports for delete to authenticated
  using (org_id in (select private.user_org_ids_with('{owner,admin,marketer}'::public.org_role[])));
select private.create_tenant_policies('contact_import_errors', '{owner,admin,operator,marketer,viewer}', '{}');

revoke all on public.contact_consent_events, public.segments, public.contact_imports, public.contact_import_errors,
  public.contact_import_chunks from anon, authenticated;
grant select, insert, update, delete on public.segments to authenticated;
grant select, insert on public.contact_consent_events to authenticated;
grant select, delete on public.contact_imports to authenticated;
grant insert (id, org_id, filename, options, created_by) on public.contact_imports to authenticated;
grant select on public.contact_import_errors to authenticated;
grant all on public.contact_consent_events, public.segments, public.contact_imports, public.contact_import_errors,
  public.contact_import_chunks to service_role;
