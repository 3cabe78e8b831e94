-- Messaging: API sends with idempotency, conversations (the inbox) with notes, tags and assignment, inbound messages
-- threaded into them, opt-out words per organization, and the cache of on-WhatsApp lookups.

-- ── outbound: what the send API and the inbox add ────────────────────────────────────────────────────────
-- A conversation known only by its LID (the sender never revealed a phone number) is answered by LID.
alter table public.outbound_messages alter column recipient_phone drop not null;
alter table public.outbound_messages
  add constraint outbound_messages_recipient_check check (recipient_phone is not null or recipient_lid is not null),
  -- The WhatsApp id the on-WhatsApp check resolved (Brazil: with or without the ninth digit), stored with the id.
  add column recipient_jid text,
  -- Fingerprint of the request that created the row: the same idempotency key with another body is a conflict.
  add column request_hash text,
  -- "typing…" shown before the text, in ms (0 = none).
  add column typing_ms integer not null default 0 check (typing_ms between 0 and 20000),
  -- api | inbox for direct sends; null for campaign messages (campaign_id says where they come from).
  add column source text check (source in ('api', 'inbox')),
  add column created_by uuid references auth.users (id) on delete set null,
  add column unknown_at timestamptz,
  add column cancelled_at timestamptz;

-- Replies are linked to the latest message sent to the same number (or LID) from the same instance.
create index outbound_messages_peer_phone_idx on public.outbound_messages (instance_id, recipient_phone, id desc)
  where recipient_phone is not null;
create index outbound_messages_peer_lid_idx on public.outbound_messages (instance_id, recipient_lid, id desc)
  where recipient_lid is not null;
-- Lists by instance (and state) inside an organization.
create index outbound_messages_instance_list_idx on public.outbound_messages (org_id, instance_id, id desc);
-- An opt-out cancels what is still waiting for that person.
create index outbound_messages_waiting_idx on public.outbound_messages (org_id, recipient_phone)
  where state in ('queued', 'claimed');
-- The direct-send lane: the next due API/inbox message of an instance.
create index outbound_messages_direct_claim_idx on public.outbound_messages (instance_id, scheduled_at, id)
  where state = 'queued' and campaign_id is null;

create or replace function private.outbound_on_state() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  if new.state is distinct from old.state then
    if not private.outbound_transition_ok(old.state, new.state) then
      raise exception 'invalid outbound message transition % -> %', old.state, new.state
        using errcode = '23514', detail = 'message ' || old.id;
    end if;
    case new.state
      when 'claimed' then new.claimed_at := coalesce(new.claimed_at, now());
      when 'sending' then new.sending_at := coalesce(new.sending_at, now());
      when 'sent' then new.sent_at := coalesce(new.sent_at, now());
      when 'delivered' then
        new.delivered_at := coalesce(new.delivered_at, now());
        new.sent_at := coalesce(new.sent_at, new.delivered_at);
      when 'read' then
        new.read_at := coalesce(new.read_at, now());
        new.delivered_at := coalesce(new.delivered_at, new.read_at);
        new.sent_at := coalesce(new.sent_at, new.delivered_at);
      when 'failed' then new.failed_at := coalesce(new.failed_at, now());
      when 'unknown' then new.unknown_at := coalesce(new.unknown_at, now());
      when 'cancelled' then new.cancelled_at := coalesce(new.cancelled_at, now());
      when 'queued' then new.claimed_at := null;
      else null;
    end case;
    if new.state in ('read', 'failed', 'skipped', 'cancelled') then
      new.finished_at := coalesce(new.finished_at, now());
    end if;
  end if;
  return new;
end $$;

-- ── conversations ────────────────────────────────────────────────────────────────────────────────────────
create type public.conversation_status as enum ('open', 'closed');

-- One conversation per instance and person: the inbox thread. The person is known by phone, by LID, or both; a
-- LID-only thread gains the phone (and merges with the phone's thread) when the mapping becomes known.
create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  instance_id uuid not null,
  contact_id uuid,
  peer_phone text check (peer_phone ~ '^\+[1-9][0-9]{6,14}$'),
  peer_lid text,
  peer_name text,
  status public.conversation_status not null default 'open',
  assigned_to uuid,
  tags text[] not null default '{}' check (cardinality(tags) <= 50),
  unread_count integer not null default 0 check (unread_count >= 0),
  -- When the thread last moved (its creation until a message arrives): the inbox's order.
  last_message_at timestamptz not null default now(),
  last_message_direction text check (last_message_direction in ('in', 'out')),
  -- The first characters of the last message, for the list (the full text stays in the message tables).
  last_message_preview text,
  last_inbound_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (peer_phone is not null or peer_lid is not null),
  unique (org_id, id),
  foreign key (org_id, instance_id) references public.instances (org_id, id) on delete cascade,
  foreign key (org_id, contact_id) references public.contacts (org_id, id) on delete set null (contact_id),
  -- Only a member of the organization can be assigned (and leaving it unassigns).
  foreign key (org_id, assigned_to) references public.organization_members (org_id, user_id)
    on delete set null (assigned_to)
);
create index conversations_org_id_idx on public.conversations (org_id, last_message_at desc, id desc);
create unique index conversations_peer_phone_key on public.conversations (instance_id, peer_phone)
  where peer_phone is not null;
create unique index conversations_peer_lid_key on public.conversations (instance_id, peer_lid)
  where peer_lid is not null;
create index conversations_contact_idx on public.conversations (contact_id) where contact_id is not null;
create index conversations_assigned_idx on public.conversations (org_id, assigned_to) where assigned_to is not null;
create index conversations_tags_idx on public.conversations using gin (tags);
create trigger conversations_touch before update on public.conversations
  for each row execute function private.touch_updated_at();

create or replace function private.conversation_on_status() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status is distinct from old.status then
    new.closed_at := case when new.status = 'closed' then now() end;
  end if;
  return new;
end $$;
create trigger conversations_status before update of status on public.conversations
  for each row execute function private.conversation_on_status();

create table public.conversation_notes (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  conversation_id uuid not null,
  author_id uuid references auth.users (id) on delete set null,
  body text not null check (length(trim(body)) between 1 and 10000),
  created_at timestamptz not null default now(),
  foreign key (org_id, conversation_id) references public.conversations (org_id, id) on delete cascade
);
create index conversation_notes_org_id_idx on public.conversation_notes (org_id);
create index conversation_notes_conversation_idx on public.conversation_notes (conversation_id, id);

-- A note is signed by whoever wrote it: the author is the caller, never a value from the request.
create or replace function private.conversation_note_author() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user = 'authenticated' then new.author_id := auth.uid(); end if;
  return new;
end $$;
create trigger conversation_notes_author before insert on public.conversation_notes
  for each row execute function private.conversation_note_author();

-- ── inbound: threaded, linked to the campaign message it answers ─────────────────────────────────────────
alter table public.inbound_messages
  add column conversation_id uuid,
  add column push_name text,
  -- The outbound message this one answers (the latest sent to the person from the same instance).
  add column in_reply_to_id bigint references public.outbound_messages (id) on delete set null,
  add column campaign_id uuid,
  add column opt_out_phrase text,
  -- The sender's own timestamp (second precision, the sender's clock); received_at is when Mirage got it.
  add column wa_timestamp timestamptz,
  add foreign key (org_id, conversation_id) references public.conversations (org_id, id)
    on delete set null (conversation_id),
  add foreign key (org_id, campaign_id) references public.campaigns (org_id, id) on delete set null (campaign_id);
create index inbound_messages_conversation_idx on public.inbound_messages (conversation_id, received_at, id);
-- Stop-on-reply: "did anyone answer this campaign since …".
create index inbound_messages_campaign_idx on public.inbound_messages (campaign_id, received_at)
  where campaign_id is not null;
create index inbound_messages_lid_idx on public.inbound_messages (org_id, from_lid, received_at desc)
  where from_lid is not null;

-- ── per-organization messaging settings ──────────────────────────────────────────────────────────────────
create table public.messaging_settings (
  org_id uuid primary key references public.organizations (id) on delete cascade,
  -- Words and phrases that opt a person out, in addition to (or instead of) the built-in pt/es/en list.
  opt_out_words text[] not null default '{}' check (cardinality(opt_out_words) <= 200),
  opt_out_use_defaults boolean not null default true,
  updated_at timestamptz not null default now()
);
create trigger messaging_settings_touch before update on public.messaging_settings
  for each row execute function private.touch_updated_at();

-- ── on-WhatsApp lookups ──────────────────────────────────────────────────────────────────────────────────
-- What WhatsApp answered for a number (the registered id, or that it is not on WhatsApp). Service-only and not
-- tenant data: a number's registration is the same for every organization; no user reads it.
create table public.wa_id_lookups (
  phone_e164 text primary key check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  on_whatsapp boolean not null,
  wa_jid text,
  wa_lid text,
  checked_at timestamptz not null default now()
);

alter table public.conversations enable row level security;
alter table public.conversation_notes enable row level security;
alter table public.messaging_settings enable row level security;
alter table public.wa_id_lookups enable row level security;

-- Every member reads the inbox; operators and above work it (reply, tag, assign, close). Writes are column-limited
-- below: the last-message fields are the system's.
select private.create_tenant_policies('conversations', '{owner,admin,operator,marketer,viewer}', '{owner,admin,operator}');
select private.create_tenant_policies('conversation_notes', '{owner,admin,operator,marketer,viewer}', '{owner,admin,operator}');
select private.create_tenant_policies('messaging_settings', '{owner,admin,operator,marketer,viewer}', '{owner,admin,marketer}');

revoke all on public.conversations, public.conversation_notes, public.messaging_settings, public.wa_id_lookups
  from anon, authenticated;
grant select on public.conversations to authenticated;
grant update (status, assigned_to, tags, unread_count) on public.conversations to authenticated;
grant select, insert on public.conversation_notes to authenticated;
-- A note can be taken back by its author, or by an admin (policy below narrows the generic one).
grant delete on public.conversation_notes to authenticated;
drop policy conversation_notes_delete on public.conversation_notes;
create policy conversation_notes_delete on public.conversation_notes for delete to authenticated using (
  org_id in (select private.user_org_ids_with('{owner,admin}'::public.org_role[]))
  or (author_id = (select auth.uid()) and org_id in (select private.user_org_ids_with('{operator}'::public.org_role[]))));
drop policy conversation_notes_update on public.conversation_notes;
grant select, insert, update on public.messaging_settings to authenticated;
grant all on public.conversations, public.conversation_notes, public.messaging_settings, public.wa_id_lookups
  to service_role;

-- Live inbox: row changes reach socket.io (ids only; subscribers re-read through RLS).
create trigger conversations_notify after insert or update on public.conversations
  for each row execute function private.notify_change();
create trigger inbound_messages_notify after insert on public.inbound_messages
  for each row execute function private.notify_change();
alter publication supabase_realtime add table public.conversations, public.inbound_messages;
