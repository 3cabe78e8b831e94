-- A campaign's most recent sends, newest first (the live view's "recent sends", GET …/campaigns/{id}/recent-sends).
-- Message ids follow the planning order, number by number, not the order messages go out, so the id index cannot
-- answer it. Partial: a row enters this index when it starts sending, never at planning (a round of 100k queued rows
-- adds nothing to it).
create index if not exists outbound_messages_campaign_sending_idx
  on public.outbound_messages (campaign_id, sending_at desc)
  where campaign_id is not null and sending_at is not null;
