-- A campaign's receipts and failures reach socket.io as message:status again. Campaign messages were left out
-- entirely so that planning (one insert per recipient) and a cancel (one update per queued row) would not raise a
-- notification per row; but that also silenced what the live page shows as it happens: a message delivered, read
-- or failed. Those changes come one message at a time, at the pace of sending, so they are notified; inserts and
-- every other change of a campaign message still are not (campaign:progress carries the counts).
--
-- A message's notification carries its state, campaign and instance: the relay then needs no read of the row per
-- event (it read one per receipt, a transaction each, which cost a campaign two more transactions per message),
-- and the event says the state the change made, not the one the row has by the time it is relayed. These are ids
-- and a state, no content: the channel's rule (no data a subscriber could not read) holds.
create or replace function private.notify_outbound_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- As notify_change: a statement that published its own events (the send API's accept) notifies nothing.
  if current_setting('mirage.events_published', true) = 'on' then
    return null;
  end if;
  perform pg_notify('mirage_changes', json_build_object(
    'table', tg_table_name,
    'op', lower(tg_op),
    'id', new.id,
    'org_id', new.org_id,
    'state', new.state,
    'campaign_id', new.campaign_id,
    'instance_id', new.instance_id
  )::text);
  return null;
end $$;
revoke all on function private.notify_outbound_change() from public;

-- The insert trigger keeps its name: the bulk planner checks which insert triggers exist before bypassing them.
drop trigger outbound_messages_notify on public.outbound_messages;
create trigger outbound_messages_notify after insert on public.outbound_messages
  for each row when (new.campaign_id is null) execute function private.notify_outbound_change();
create trigger outbound_messages_notify_update after update on public.outbound_messages
  for each row when (
    new.campaign_id is null
    or (new.state is distinct from old.state and new.state in ('delivered', 'read', 'failed'))
  ) execute function private.notify_outbound_change();
