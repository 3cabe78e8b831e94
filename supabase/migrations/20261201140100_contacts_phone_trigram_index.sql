-- Contacts found by any part of their number: the contacts search matches `phone_e164 like '%<digits>%'`, which no
-- btree can answer, so a search for a number scanned every contact of the organization (the newest-first index
-- only stops early when matches are common). A trigram GIN index answers it from three digits on.
--
-- pg_trgm ships with PostgreSQL (contrib) and is available on Supabase, where extensions live in the `extensions`
-- schema (the plain-Postgres bootstrap creates that schema too). A project that installed pg_trgm elsewhere keeps it
-- there: the operator class is looked up in whichever schema holds the extension.
create extension if not exists pg_trgm with schema extensions;

do $$
declare
  v_schema text;
begin
  select n.nspname into v_schema
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'pg_trgm';
  execute format(
    'create index if not exists contacts_phone_trgm_idx on public.contacts using gin (phone_e164 %I.gin_trgm_ops)',
    v_schema);
end $$;

-- The search cannot use an index from the API's queries: under RLS a condition whose operator is not leakproof (LIKE
-- is not) is evaluated after the row policy, row by row, never as an index condition. This function answers the
-- search's contacts (a name prefix, or digits anywhere in the number) as the table's owner, for a caller who may read
-- the organization's contacts (any member, or trusted service work), with both indexes; the page query then reads
-- those rows by id (uuid equality is leakproof, so the primary key serves it under RLS). At most `p_cap` ids: a term
-- that common is better served by the newest-first scan, which stops after one page.
create or replace function private.search_contact_ids(p_org uuid, p_name_prefix text, p_digits text, p_cap integer)
returns setof uuid
language plpgsql stable security definer set search_path = '' as $$
begin
  if not private.is_trusted_caller()
     and p_org not in (select private.user_org_ids_with('{owner,admin,operator,marketer,viewer}'::public.org_role[])) then
    return;
  end if;
  -- EXECUTE plans with the values, so the name prefix can bound the btree and the digits pick the trigram index.
  if p_digits is null then
    return query execute
      'select c.id from public.contacts c where c.org_id = $1 and lower(c.name) like $2 limit $3'
      using p_org, p_name_prefix, p_cap;
  else
    return query execute
      'select c.id from public.contacts c
        where c.org_id = $1 and (lower(c.name) like $2 or c.phone_e164 like $3) limit $4'
      using p_org, p_name_prefix, '%' || p_digits || '%', p_cap;
  end if;
end $$;
revoke all on function private.search_contact_ids(uuid, text, text, integer) from public;
grant execute on function private.search_contact_ids(uuid, text, text, integer) to authenticated, service_role;
