-- Makes plain PostgreSQL 15+ look enough like Supabase for supabase/migrations to run unchanged:
-- the API roles, the `extensions` schema, `auth.users` with auth.uid()/role()/email()/jwt(), and the realtime
-- publication. Idempotent. NEVER apply this to a hosted Supabase project: the platform already provides all of it.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then create role authenticator login noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'supabase_admin') then create role supabase_admin nologin; end if;
end $$;
-- Roles and their settings are the server's, shared by every database on it: they are changed only when they
-- differ, so that setting up several databases at once (the test suite does) never updates the same catalog row
-- from two sessions ("tuple concurrently updated").
do $$
declare
  r text;
  member_of boolean;
  with_admin boolean;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not (select rolinherit from pg_roles where rolname = r) then
      execute format('alter role %I inherit', r);
    end if;
    select true, m.admin_option into member_of, with_admin
      from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member
     where g.rolname = r and u.rolname = 'authenticator';
    if member_of is null then
      execute format('grant %I to authenticator', r);
    end if;
    -- The migration owner may switch into the API roles (as on hosted Supabase, where postgres holds them with
    -- admin option). A superuser owner is a member of everything already.
    member_of := null;
    with_admin := null;
    select true, m.admin_option into member_of, with_admin
      from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member
     where g.rolname = r and u.rolname = current_user;
    if with_admin is not true then
      execute format('grant %I to %I with admin option', r, current_user);
    end if;
    member_of := null;
  end loop;
  if not exists (select 1 from pg_db_role_setting s join pg_roles g on g.oid = s.setrole
                  where g.rolname = 'anon' and s.setdatabase = 0 and 'statement_timeout=3s' = any (s.setconfig)) then
    alter role anon set statement_timeout = '3s';
  end if;
  if not exists (select 1 from pg_db_role_setting s join pg_roles g on g.oid = s.setrole
                  where g.rolname = 'authenticated' and s.setdatabase = 0 and 'statement_timeout=8s' = any (s.setconfig)) then
    alter role authenticated set statement_timeout = '8s';
  end if;
end $$;

create schema if not exists extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
grant usage on schema extensions to anon, authenticated, service_role;

grant usage on schema public to anon, authenticated, service_role;
-- Supabase's defaults: new public objects are granted to the API roles, which is why every table needs RLS.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

create schema if not exists auth;
create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key default gen_random_uuid(),
  aud varchar(255) default 'authenticated',
  role varchar(255) default 'authenticated',
  email varchar(255) unique,
  phone text unique,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb default '{}'::jsonb,
  raw_user_meta_data jsonb default '{}'::jsonb,
  is_super_admin boolean,
  is_anonymous boolean not null default false,
  banned_until timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  deleted_at timestamptz
);
alter table auth.users enable row level security;
grant usage on schema auth to anon, authenticated, service_role;
grant all on auth.users to service_role;

-- Same bodies as Supabase Auth's current ones (nullif-guarded: a committed set_config leaves '' behind, not NULL).
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text $$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb $$;
grant execute on all functions in schema auth to anon, authenticated, service_role;

do $$ begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end $$;

-- Supabase keeps its migration history here; our runner uses the same table so `supabase db push` agrees with it.
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);

do $$ begin
  execute format('alter database %I set search_path to "$user", public, extensions', current_database());
end $$;
