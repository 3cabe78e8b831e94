-- Accepting a direct message publishes its own realtime events.
--
-- A transaction that calls pg_notify serializes its commit with every other notifying commit of the server (the
-- notification queue is taken under one server-wide lock held through the commit's WAL flush), so group commit does
-- not apply to it. Each accepted send notified three times (the message, its conversation's insert and update), and
-- the relay then re-read each row in a transaction of its own. The send API now marks its transaction with the
-- transaction-local setting `mirage.events_published = 'on'` and appends message:status and conversation:changed to
-- the realtime stream itself after the commit; every other writer (workers' state changes, receipts, inbound,
-- campaigns) still notifies as before. A caller setting it for its own transaction only hides its own changes from
-- its organization's live feed: nothing is read or written for anybody else.
create or replace function private.notify_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_row jsonb;
begin
  if current_setting('mirage.events_published', true) = 'on' then
    return null;
  end if;
  v_row := to_jsonb(coalesce(new, old));
  perform pg_notify('mirage_changes', json_build_object(
    'table', tg_table_name,
    'op', lower(tg_op),
    'id', v_row -> 'id',
    'org_id', v_row ->> 'org_id'
  )::text);
  return null;
end $$;
