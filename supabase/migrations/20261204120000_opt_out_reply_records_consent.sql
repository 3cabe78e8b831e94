-- An opt-out reply ("SAIR") withdraws consent the way the Contacts page and segments read it: the contact's
-- consent_state becomes opted_out, with its source and time, and the history (contact_consent_events, the LGPD
-- evidence) gains the reply. It set only opted_out_at, so a person who had just said SAIR still read "Unknown" on
-- the Contacts page, the "Opted out" filter and segments on consent missed them, and the history had no record.
-- Only record_opt_out changes (ingest_inbound calls it as before, same signature).
create or replace function private.record_opt_out(
  p_org uuid, p_phone text, p_lid text, p_contact uuid, p_phrase text
) returns void language plpgsql security definer set search_path = '' as $$
declare
  v_reason text := 'opt-out reply: ' || left(p_phrase, 100);
  v_phone_row uuid;
  v_lid_row uuid;
  v_at timestamptz;
begin
  if p_phone is not null then
    select id into v_phone_row from public.blacklist where org_id = p_org and phone_e164 = p_phone;
  end if;
  if p_lid is not null then
    select id into v_lid_row from public.blacklist where org_id = p_org and wa_lid = p_lid;
  end if;
  if v_phone_row is null and v_lid_row is null then
    insert into public.blacklist (org_id, phone_e164, wa_lid, source, reason) values (p_org, p_phone, p_lid, 'opt_out', v_reason);
  elsif v_phone_row is not null and v_lid_row is null and p_lid is not null then
    update public.blacklist set wa_lid = p_lid where id = v_phone_row and wa_lid is null;
    if not found then
      insert into public.blacklist (org_id, wa_lid, source, reason) values (p_org, p_lid, 'opt_out', v_reason);
    end if;
  elsif v_lid_row is not null and v_phone_row is null and p_phone is not null then
    update public.blacklist set phone_e164 = p_phone where id = v_lid_row and phone_e164 is null;
    if not found then
      insert into public.blacklist (org_id, phone_e164, source, reason) values (p_org, p_phone, 'opt_out', v_reason);
    end if;
  end if;
  if p_contact is not null then
    -- A second opt-out reply changes nothing: the first one is the evidence.
    update public.contacts
       set opted_out_at = coalesce(opted_out_at, now()), consent_state = 'opted_out', consent_source = 'opt-out reply',
           consent_at = now()
     where org_id = p_org and id = p_contact and consent_state is distinct from 'opted_out'
    returning consent_at into v_at;
    if found then
      insert into public.contact_consent_events (org_id, contact_id, state, source, evidence, created_at)
      values (p_org, p_contact, 'opted_out', 'opt-out reply', 'replied "' || left(p_phrase, 1990) || '"', v_at);
    else
      update public.contacts set opted_out_at = coalesce(opted_out_at, now()) where org_id = p_org and id = p_contact;
    end if;
  end if;
end $$;
revoke all on function private.record_opt_out(uuid, text, text, uuid, text) from public, anon, authenticated;

-- Those who opted out by reply before this migration: their state and one history row, dated when they replied.
with withdrawn as (
  update public.contacts
     set consent_state = 'opted_out', consent_source = 'opt-out reply', consent_at = opted_out_at
   where opted_out_at is not null and consent_state <> 'opted_out'
  returning org_id, id, opted_out_at
)
insert into public.contact_consent_events (org_id, contact_id, state, source, evidence, created_at)
select org_id, id, 'opted_out', 'opt-out reply', 'an opt-out reply recorded before the consent history had it',
       opted_out_at
from withdrawn;
