-- Change notifications for the realtime relay: a compact pg_notify per row change (table, op, id, org_id),
-- which the orchestrator turns into socket.io events for the organization's room. Payloads carry ids only:
-- subscribers re-read through RLS, so a notification never leaks data.

create or replace function private.notify_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
begin
  perform pg_notify('mirage_changes', json_build_object(
    'table', tg_table_name,
    'op', lower(tg_op),
    'id', v_row -> 'id',
    'org_id', v_row ->> 'org_id'
  )::text);
  return null;
end $$;

create trigger instances_notify after insert or update or delete on public.instances
  for each row execute function private.notify_change();
create trigger instance_events_notify after insert on public.instance_events
  for each row execute function private.notify_change();
create trigger campaigns_notify after insert or update or delete on public.campaigns
  for each row execute function private.notify_change();
create trigger outbound_messages_notify after insert or update or delete on public.outbound_messages
  for each row execute function private.notify_change();
create trigger blacklist_notify after insert or update or delete on public.blacklist
  for each row execute function private.notify_change();

-- Hosted Supabase Realtime (postgres_changes) can stream the same tables; it applies RLS per subscriber.
alter publication supabase_realtime add table public.instances, public.instance_events, public.campaigns,
  public.outbound_messages, public.blacklist;

-- The application's login role. NOINHERIT: it holds no table privilege of its own, so any query that did not pick
-- a role through asUser (authenticated, RLS applies) or asService (service_role) is denied instead of
-- silently bypassing RLS. Its password is set outside migrations (scripts/db.ts, or the hosting dashboard).
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'mirage_app') then
    create role mirage_app login noinherit;
  end if;
end $$;
grant authenticated, service_role to mirage_app;
