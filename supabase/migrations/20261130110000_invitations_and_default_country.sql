-- Organization default country (for phone numbers written without a country code) and membership by invitation.

-- ISO 3166-1 alpha-2 region; null = numbers must carry their country code. The same idempotent statement may appear
-- in another migration (both features need the column), so it must stay exactly this one.
alter table public.organizations add column if not exists default_country text check (default_country ~ '^[A-Z]{2}$');

-- ── Invitations ────────────────────────────────────────────────────────────────────────────────────────
-- Nobody joins an organization, and no organization sets an account's password, without the invited person acting:
-- an admin creates an invitation for an email and role and gets a one-time token (shown once; only its sha256 is
-- stored). Whoever holds the token either signs in as the existing account with that email and accepts, or, when no
-- account has that email, sets the new account's password. Acceptance is service work in the orchestrator.
create table public.organization_invitations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  email text not null check (email = lower(email) and length(email) between 3 and 254),
  role public.org_role not null,
  token_hash text not null unique,
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  check (accepted_at is null or revoked_at is null)
);
-- One open invitation per email and organization (a new one revokes the old first).
create unique index organization_invitations_open_idx on public.organization_invitations (org_id, email)
  where accepted_at is null and revoked_at is null;

alter table public.organization_invitations enable row level security;
select private.create_tenant_policies('organization_invitations', '{owner,admin}', '{owner,admin}');
revoke all on public.organization_invitations from anon, authenticated;
grant select, delete on public.organization_invitations to authenticated;
grant insert (org_id, email, role, token_hash, invited_by, expires_at) on public.organization_invitations to authenticated;
-- Admins revoke; acceptance (accepted_at/accepted_by) is the service's alone.
grant update (revoked_at) on public.organization_invitations to authenticated;
grant all on public.organization_invitations to service_role;

-- Only an owner invites an owner (the same rule as granting the role directly).
create or replace function private.guard_invitation() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user = 'authenticated' and new.role = 'owner'
     and not private.has_org_role(new.org_id, array['owner']::public.org_role[]) then
    raise exception 'only an owner can invite an owner' using errcode = '42501';
  end if;
  return new;
end $$;
revoke all on function private.guard_invitation() from public;
create trigger organization_invitations_guard before insert or update on public.organization_invitations
  for each row execute function private.guard_invitation();

-- Memberships of people are created only by accepting an invitation (or by the service: CLI, seed). Admins keep
-- changing roles and removing members, but can no longer put an existing account into their organization.
revoke insert on public.organization_members from authenticated;
