-- A direct message may reply to another message of the same chat (WhatsApp shows it quoted). The quoted message is
-- kept on the outbound row as WhatsApp needs it at send time: its WhatsApp id, whether this instance sent it, and its
-- text (the quote carries the text, so the recipient's phone can show it even without the original).
alter table public.outbound_messages
  add column reply_to_wa_id text check (reply_to_wa_id is null or length(reply_to_wa_id) between 1 and 128),
  add column reply_to_from_me boolean,
  add column reply_to_text text check (reply_to_text is null or length(reply_to_text) <= 4096),
  add constraint outbound_messages_reply_to_complete
    check ((reply_to_wa_id is null) = (reply_to_from_me is null) and (reply_to_wa_id is null) = (reply_to_text is null));

-- Sets the quoted message of a direct message the caller just queued (same transaction as the enqueue): operators and
-- above of the organization, or trusted service work; only while the row is still queued and has no quote yet, so a
-- message on its way can never change what it quotes. Returns whether the row was updated.
create or replace function private.set_outbound_reply_to(
  p_org uuid, p_message bigint, p_wa_id text, p_from_me boolean, p_text text
) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  v_count integer;
begin
  if not private.is_trusted_caller()
     and not private.has_org_role(p_org, array['owner', 'admin', 'operator']::public.org_role[]) then
    raise exception 'sending needs the operator role or above' using errcode = '42501';
  end if;
  update public.outbound_messages
     set reply_to_wa_id = p_wa_id, reply_to_from_me = p_from_me, reply_to_text = left(coalesce(p_text, ''), 4096)
   where org_id = p_org and id = p_message and state = 'queued' and campaign_id is null and reply_to_wa_id is null;
  get diagnostics v_count = row_count;
  return v_count = 1;
end $$;
revoke all on function private.set_outbound_reply_to(uuid, bigint, text, boolean, text) from public;
grant execute on function private.set_outbound_reply_to(uuid, bigint, text, boolean, text) to authenticated, service_role;
