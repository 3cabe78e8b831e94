-- Evolution-format webhooks get a sender's edits (MESSAGES_EDITED, `messages.edited`) and deletions for everyone
-- (MESSAGES_DELETE, `messages.delete`), made from Mirage's `message:updated`. An Evolution endpoint stores the
-- Evolution names it chose next to the Mirage events they come from (the outbox filters on the latter); one that
-- had every event Mirage delivered until now (what an empty `events` list chose) gets the two new ones as well, so
-- "all events" stays all of them. One that chose a few keeps its choice.
update public.webhook_endpoints
   set events = events || array['MESSAGES_EDITED', 'MESSAGES_DELETE', 'message:updated']
 where format = 'evolution'
   and events @> array['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'SEND_MESSAGE']
   and not events @> array['message:updated'];
