-- Tenancy: organizations, their members and roles, and the security-definer helpers every policy uses.

create type public.org_role as enum ('owner', 'admin', 'operator', 'marketer', 'viewer');

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  timezone text not null default 'UTC',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.organization_members (
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.org_role not null default 'viewer',
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
-- The PK covers org_id lookups; this one serves private.user_org_ids(), called by every policy.
create index organization_members_user_id_idx on public.organization_members (user_id);

-- Helpers live in `private`, a schema the Data API never exposes. SECURITY DEFINER so policies on
-- organization_members do not recurse into themselves; empty search_path so nothing can be hijacked.
create schema if not exists private;
grant usage on schema private to authenticated, service_role;

create or replace function private.user_org_ids()
returns setof uuid language sql stable security definer set search_path = '' as $$
  select org_id from public.organization_members where user_id = (select auth.uid())
$$;

create or replace function private.has_org_role(p_org uuid, p_roles public.org_role[])
returns boolean language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.organization_members
    where org_id = p_org and user_id = (select auth.uid()) and role = any (p_roles)
  )
$$;

-- Orgs where the caller holds one of the roles; policies use `org_id in (select private.user_org_ids_with(...))`
-- so the helper runs once per statement instead of once per row.
create or replace function private.user_org_ids_with(p_roles public.org_role[])
returns setof uuid language sql stable security definer set search_path = '' as $$
  select org_id from public.organization_members where user_id = (select auth.uid()) and role = any (p_roles)
$$;

revoke all on function private.user_org_ids() from public;
revoke all on function private.has_org_role(uuid, public.org_role[]) from public;
revoke all on function private.user_org_ids_with(public.org_role[]) from public;
grant execute on function private.user_org_ids() to authenticated, service_role;
grant execute on function private.has_org_role(uuid, public.org_role[]) to authenticated, service_role;
grant execute on function private.user_org_ids_with(public.org_role[]) to authenticated, service_role;

-- Every tenant table's policies have one shape, varying only in who reads and who writes; migrations call this
-- instead of repeating four CREATE POLICY statements per table. Writers empty = the service alone writes.
create or replace function private.create_tenant_policies(
  p_table text, p_readers public.org_role[], p_writers public.org_role[]
) returns void language plpgsql set search_path = '' as $$
declare
  v_read text := format('org_id in (select private.user_org_ids_with(%L::public.org_role[]))', p_readers);
  v_write text := format('org_id in (select private.user_org_ids_with(%L::public.org_role[]))', p_writers);
begin
  execute format('create policy %I on public.%I for select to authenticated using (%s)', p_table || '_select', p_table, v_read);
  if cardinality(p_writers) = 0 then return; end if;
  execute format('create policy %I on public.%I for insert to authenticated with check (%s)', p_table || '_insert', p_table, v_write);
  execute format('create policy %I on public.%I for update to authenticated using (%s) with check (%s)',
    p_table || '_update', p_table, v_write, v_write);
  execute format('create policy %I on public.%I for delete to authenticated using (%s)', p_table || '_delete', p_table, v_write);
end $$;
revoke all on function private.create_tenant_policies(text, public.org_role[], public.org_role[]) from public;

create or replace function private.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end $$;

create trigger organizations_touch before update on public.organizations
  for each row execute function private.touch_updated_at();

-- Membership rules the policies cannot express: only an owner grants or takes away ownership,
-- and an organization always keeps at least one owner.
-- SECURITY INVOKER on purpose: current_user tells a user request (role authenticated) from trusted service work.
create or replace function private.guard_membership() returns trigger
language plpgsql set search_path = '' as $$
declare
  v_org uuid := coalesce(new.org_id, old.org_id);
  v_remaining int;
begin
  -- Service work (migrations, CLI, the orchestrator as service_role) is trusted.
  if current_user <> 'authenticated' then
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end if;
  if (tg_op = 'INSERT' and new.role = 'owner')
     or (tg_op = 'UPDATE' and (new.role = 'owner' or old.role = 'owner'))
     or (tg_op = 'DELETE' and old.role = 'owner') then
    if not private.has_org_role(v_org, array['owner']::public.org_role[]) then
      raise exception 'only an owner can grant or remove the owner role' using errcode = '42501';
    end if;
  end if;
  if tg_op in ('UPDATE', 'DELETE') and old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner') then
    select count(*) into v_remaining from public.organization_members
      where org_id = v_org and role = 'owner' and user_id <> old.user_id;
    if v_remaining = 0 then
      raise exception 'an organization must keep at least one owner' using errcode = '23514';
    end if;
  end if;
  if tg_op = 'DELETE' then return old; end if;
  return new;
end $$;

create trigger organization_members_guard
  before insert or update or delete on public.organization_members
  for each row execute function private.guard_membership();

alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;

create policy organizations_select on public.organizations
  for select to authenticated using (id in (select private.user_org_ids()));
create policy organizations_update on public.organizations
  for update to authenticated
  using (id in (select private.user_org_ids_with(array['owner', 'admin']::public.org_role[])))
  with check (id in (select private.user_org_ids_with(array['owner', 'admin']::public.org_role[])));
create policy organizations_delete on public.organizations
  for delete to authenticated using (id in (select private.user_org_ids_with(array['owner']::public.org_role[])));
-- No insert policy: organizations are created by the service (CLI, sign-up flow) together with their owner.

create policy organization_members_select on public.organization_members
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy organization_members_insert on public.organization_members
  for insert to authenticated
  with check (org_id in (select private.user_org_ids_with(array['owner', 'admin']::public.org_role[])));
create policy organization_members_update on public.organization_members
  for update to authenticated
  using (org_id in (select private.user_org_ids_with(array['owner', 'admin']::public.org_role[])))
  with check (org_id in (select private.user_org_ids_with(array['owner', 'admin']::public.org_role[])));
create policy organization_members_delete on public.organization_members
  for delete to authenticated
  using (org_id in (select private.user_org_ids_with(array['owner', 'admin']::public.org_role[])));

revoke all on public.organizations, public.organization_members from anon;
grant select, update, delete on public.organizations to authenticated;
grant select, insert, update, delete on public.organization_members to authenticated;
grant all on public.organizations, public.organization_members to service_role;
