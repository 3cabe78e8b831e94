-- Messaging: the send scope gets its resource-qualified name, queued messages can be cancelled, and a direct send can
-- carry a deadline after which it is cancelled instead of sent late.

-- ── API key scope `messages:send` (formerly `send`) ─────────────────────────────────────────────────────────────
-- Stored keys move to the new name; `send` stays allowed in the column (and accepted by the API as an alias) so a
-- process of the previous release writing it during a rolling deploy is not refused.
alter table public.api_keys drop constraint api_keys_scopes_check;
update public.api_keys set scopes = array_replace(scopes, 'send', 'messages:send') where 'send' = any(scopes);
alter table public.api_keys add constraint api_keys_scopes_check check (
  cardinality(scopes) >= 1
  and scopes <@ array['read', 'messages:send', 'send', 'instances', 'campaigns', 'admin']
);

-- ── deadline of a direct message ─────────────────────────────────────────────────────────────────────────────────
-- A message still waiting (queued or claimed, nothing written to WhatsApp) at expires_at is cancelled with
-- error_code 'expired' instead of being sent late: by the worker's last check before the `sending` commit, and by
-- its sweep for instances that are not sending at all.
alter table public.outbound_messages add column expires_at timestamptz;
create index outbound_messages_expiring_idx on public.outbound_messages (expires_at)
  where state in ('queued', 'claimed') and expires_at is not null;

create or replace function private.enqueue_direct_message(
  p_org uuid, p_instance uuid, p_phone text, p_lid text, p_body text, p_client_ref text, p_request_hash text,
  p_typing_ms integer, p_source text, p_expires_at timestamptz
) returns table (message_id bigint, created boolean, stored_hash text, conversation_id uuid)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_id bigint;
  v_created boolean;
  v_hash text;
  v_conversation uuid;
begin
  select e.message_id, e.created, e.stored_hash, e.conversation_id into v_id, v_created, v_hash, v_conversation
  from private.enqueue_direct_message(p_org, p_instance, p_phone, p_lid, p_body, p_client_ref, p_request_hash,
                                      p_typing_ms, p_source) e;
  -- Only a row this call created takes the deadline: a replayed idempotency key answers the first message as it is.
  if v_created and p_expires_at is not null then
    update public.outbound_messages set expires_at = p_expires_at where id = v_id;
  end if;
  return query select v_id, v_created, v_hash, v_conversation;
end $$;
revoke all on function private.enqueue_direct_message(uuid, uuid, text, text, text, text, text, integer, text, timestamptz)
  from public;
grant execute on function private.enqueue_direct_message(uuid, uuid, text, text, text, text, text, integer, text, timestamptz)
  to authenticated, service_role;

-- ── cancelling a message ─────────────────────────────────────────────────────────────────────────────────────────
-- Operators and above (or trusted callers) cancel a message that has not reached WhatsApp: queued, or claimed by a
-- worker that has not committed `sending` yet (the worker's commit requires `claimed`, so whichever comes first
-- wins and a cancelled message is never written). Answers the state the message has afterwards — `cancelled`, or
-- the state that made it impossible — and null when the message is not in the organization.
create or replace function private.cancel_outbound_message(p_org uuid, p_id bigint, p_reason text)
returns public.message_state
language plpgsql security definer set search_path = '' as $$
declare
  v_state public.message_state;
begin
  if not private.is_trusted_caller()
     and not private.has_org_role(p_org, array['owner', 'admin', 'operator']::public.org_role[]) then
    raise exception 'cancelling needs the operator role or above' using errcode = '42501';
  end if;
  update public.outbound_messages set state = 'cancelled', error_code = p_reason
   where org_id = p_org and id = p_id and state in ('queued', 'claimed')
  returning state into v_state;
  if v_state is null then
    select state into v_state from public.outbound_messages where org_id = p_org and id = p_id;
  end if;
  return v_state;
end $$;
revoke all on function private.cancel_outbound_message(uuid, bigint, text) from public;
grant execute on function private.cancel_outbound_message(uuid, bigint, text) to authenticated, service_role;
