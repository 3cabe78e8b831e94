-- The send-time check ("may this person be messaged now?") matched a blacklist entry only by the exact number or
-- LID. Two kinds of entry were missed, and the person was messaged although they had said stop:
--   * a Brazilian mobile blacklisted in its other form, with or without the ninth digit (the same line: WhatsApp
--     answers for both), e.g. an opt-out recorded as WhatsApp reported the number and a list holding the other form;
--   * an erased person's entry, which keeps only the salted hash of the number (POST …/contacts/{id}/erase): a number
--     imported again after the erasure was sent to;
--   * an entry by LID only (someone who opted out known only by LID) once Mirage learned that LID for a number (on the
--     contact, or from WhatsApp's on-WhatsApp answer), when the message itself carried no LID (campaign messages).
-- One function now answers for the claim (send-claims.ts), findSendBlock and the campaign dry run, with the same
-- rules as GET …/blacklist/check.

-- A number's forms WhatsApp treats as one line: itself, and for a Brazilian mobile the form with or without the
-- ninth digit (as @mirage/phone's whatsAppCandidates).
create or replace function private.phone_variants(p_phone text) returns text[]
language sql immutable set search_path = '' as $$
  select case
    when p_phone ~ '^\+55[0-9]{2}9[6-9][0-9]{7}$' then array[p_phone, '+55' || substr(p_phone, 4, 2) || substr(p_phone, 7)]
    when p_phone ~ '^\+55[0-9]{2}[6-9][0-9]{7}$' then array[p_phone, '+55' || substr(p_phone, 4, 2) || '9' || substr(p_phone, 6)]
    else array[p_phone]
  end
$$;
revoke all on function private.phone_variants(text) from public;
grant execute on function private.phone_variants(text) to authenticated, service_role;

-- Why a recipient must not be messaged now: 'blacklisted' (by any form of the number, its LID — given or learned —,
-- or the salted hash an erasure left), 'opted_out' (consent withdrawn on the contact or a contact with that number), or null. Members of
-- the organization and trusted service work only (it reads the salt no role can read).
create or replace function private.send_block(p_org uuid, p_phone text, p_lid text, p_contact uuid)
returns text language plpgsql stable security definer set search_path = '' as $$
declare
  v_phones text[] := case when p_phone is null then '{}'::text[] else private.phone_variants(p_phone) end;
  v_salt bytea;
begin
  if not private.is_trusted_caller()
     and not private.has_org_role(p_org, array['owner', 'admin', 'operator', 'marketer', 'viewer']::public.org_role[]) then
    raise exception 'not a member of this organization' using errcode = '42501';
  end if;
  -- By the number, or by its LID: the one the message carries, or the one Mirage learned for the number (its contact,
  -- WhatsApp's answer to the on-WhatsApp check) — someone who opted out known only by LID stays blocked when their
  -- number turns up later in a list.
  if exists (select 1 from public.blacklist b
              where b.org_id = p_org
                and (b.phone_e164 = any (v_phones)
                     or b.wa_lid in (select p_lid where p_lid is not null
                                     union select c.wa_lid from public.contacts c
                                      where c.org_id = p_org and c.phone_e164 = any (v_phones) and c.wa_lid is not null
                                     union select l.wa_lid from public.wa_id_lookups l
                                      where l.phone_e164 = any (v_phones) and l.wa_lid is not null))) then
    return 'blacklisted';
  end if;
  if cardinality(v_phones) > 0 then
    -- Only organizations that erased someone have a salt (and hashed entries).
    select s.salt into v_salt from private.org_privacy_salts s where s.org_id = p_org;
    if v_salt is not null and exists (
         select 1 from public.blacklist b
          where b.org_id = p_org and b.phone_hash is not null
            and b.phone_hash = any (array(
              select encode(extensions.hmac(convert_to(v, 'UTF8'), v_salt, 'sha256'), 'hex') from unnest(v_phones) v))) then
      return 'blacklisted';
    end if;
  end if;
  if exists (select 1 from public.contacts c
              where c.org_id = p_org and c.opted_out_at is not null
                and (c.id = p_contact or c.phone_e164 = any (v_phones))) then
    return 'opted_out';
  end if;
  return null;
end $$;
revoke all on function private.send_block(uuid, text, text, uuid) from public;
grant execute on function private.send_block(uuid, text, text, uuid) to authenticated, service_role;
