-- The statement-level change notifier (inbound messages and conversations) honours `mirage.events_published` like
-- the row-level one: a transaction that publishes its own realtime events (the send API's accept) notifies nothing,
-- so its conversation's insert and update no longer take the server-wide notification lock at commit, nor reach
-- the live feed twice. Every other writer still notifies once per row, with the same payload.
create or replace function private.notify_change_rows() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if current_setting('mirage.events_published', true) = 'on' then
    return null;
  end if;
  perform pg_notify('mirage_changes', json_build_object(
      'table', tg_table_name, 'op', lower(tg_op), 'id', n.id, 'org_id', n.org_id)::text)
    from new_rows n order by n.id;
  return null;
end $$;
revoke all on function private.notify_change_rows() from public;
