-- A campaign's receipts and failures reach socket.io as message:status again. Campaign messages were left out
-- entirely so that planning (one insert per recipient) and a cancel (one update per queued row) would not raise a
-- notification per row; but that also silenced what the live page shows as it happens: a message delivered, read
-- or failed. Those changes come one message at a time, at the pace of sending, so they are notified; inserts and
-- every other change of a campaign message still are not (campaign:progress carries the counts).
-- The insert trigger keeps its name: the bulk planner checks which insert triggers exist before bypassing them.
drop trigger outbound_messages_notify on public.outbound_messages;
create trigger outbound_messages_notify after insert on public.outbound_messages
  for each row when (new.campaign_id is null) execute function private.notify_change();
create trigger outbound_messages_notify_update after update on public.outbound_messages
  for each row when (
    new.campaign_id is null
    or (new.state is distinct from old.state and new.state in ('delivered', 'read', 'failed'))
  ) execute function private.notify_change();
