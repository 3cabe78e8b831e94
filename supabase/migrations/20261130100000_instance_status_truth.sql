-- What an instance's row says must be true:
-- * linked_phone_e164: the number that actually linked (from the account's JID), kept next to phone_e164 (the
--   number the instance was created for) so a different account linking is visible instead of silently kept.
-- * health_score describes a logged-in socket only; in every other status it is null (the status says why).
-- * instance:status realtime events fire on a status change, not on every row update (placement, health, …).

alter table public.instances
  add column linked_phone_e164 text check (linked_phone_e164 ~ '^\+[1-9][0-9]{6,14}$');

update public.instances
   set linked_phone_e164 = '+' || split_part(wa_jid, '@', 1)
 where wa_jid like '%@s.whatsapp.net' and split_part(wa_jid, '@', 1) ~ '^[1-9][0-9]{6,14}$';

update public.instances set health_score = null
 where status not in ('connected', 'degraded', 'restricted') and health_score is not null;

drop trigger instances_notify on public.instances;
create trigger instances_notify after insert or delete on public.instances
  for each row execute function private.notify_change();
create trigger instances_notify_status after update of status, status_reason on public.instances
  for each row when (old.status is distinct from new.status or old.status_reason is distinct from new.status_reason)
  execute function private.notify_change();
