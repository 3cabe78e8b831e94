-- The campaign engine: audience by lists and segments (snapshotted into outbound_messages at start), holidays,
-- caps, stop-on-reply, an error threshold, status reasons, the template as it was at start, per-campaign sender
-- activity (failover), and each number's pacing state.

alter table public.campaigns
  add column list_ids uuid[] not null default '{}' check (cardinality(list_ids) <= 50),
  add column segment_ids uuid[] not null default '{}' check (cardinality(segment_ids) <= 50),
  add column skip_holidays boolean not null default true,
  -- {"perHour":40,"perDay":250,"warmup":true}: validated by the API's zod schema.
  add column caps jsonb not null default '{}'::jsonb,
  add column stop_on_reply boolean not null default true,
  add column error_threshold integer not null default 25 check (error_threshold >= 0),
  -- Why the campaign is paused, cancelled or completed: user, no_healthy_sender, error_threshold, ended, done.
  add column status_reason text check (length(status_reason) <= 200),
  -- The template's body and variations when the campaign started: later edits of the template change nothing.
  add column template_snapshot jsonb,
  add column started_at timestamptz,
  add column paused_at timestamptz,
  -- The error threshold counts failures since the last (re)start, so resuming after fixing the cause is possible.
  add column resumed_at timestamptz,
  add column finished_at timestamptz;

-- draft → scheduled → running ⇄ paused → completed | cancelled. Only scheduled → draft moves back: a started
-- campaign keeps its snapshot of who receives it.
create or replace function private.campaign_transition_ok(p_from public.campaign_status, p_to public.campaign_status)
returns boolean language sql immutable as $$
  select p_from = p_to or case p_from
    when 'draft' then p_to in ('scheduled', 'running', 'cancelled')
    when 'scheduled' then p_to in ('draft', 'running', 'paused', 'cancelled')
    when 'running' then p_to in ('paused', 'completed', 'cancelled')
    when 'paused' then p_to in ('running', 'completed', 'cancelled')
    else false
  end
$$;

create or replace function private.campaign_on_status() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status is distinct from old.status then
    if not private.campaign_transition_ok(old.status, new.status) then
      raise exception 'invalid campaign transition % -> %', old.status, new.status
        using errcode = '23514', detail = 'campaign ' || old.id;
    end if;
    case new.status
      when 'running' then
        new.started_at := coalesce(new.started_at, now());
        new.resumed_at := now();
        new.paused_at := null;
      when 'paused' then new.paused_at := now();
      when 'completed' then new.finished_at := coalesce(new.finished_at, now());
      when 'cancelled' then new.finished_at := coalesce(new.finished_at, now());
      else null;
    end case;
  end if;
  return new;
end $$;
create trigger campaigns_status before update of status on public.campaigns
  for each row execute function private.campaign_on_status();

-- A sender stops taking a campaign's work when its number is banned, restricted, degraded or logged out; its
-- queued recipients move to the others.
alter table public.campaign_senders
  add column active boolean not null default true,
  add column inactive_reason text check (length(inactive_reason) <= 200);

-- Each number's pacing, across every campaign it sends for: when it may send next and how far into the current
-- stretch (between two breaks) it is. Written by the workers only.
create table public.outreach_senders (
  instance_id uuid primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  next_send_at timestamptz not null default now(),
  sends_since_break integer not null default 0 check (sends_since_break >= 0),
  break_after integer not null default 0 check (break_after >= 0),
  last_sent_at timestamptz,
  updated_at timestamptz not null default now(),
  foreign key (org_id, instance_id) references public.instances (org_id, id) on delete cascade
);
create index outreach_senders_org_id_idx on public.outreach_senders (org_id);
alter table public.outreach_senders enable row level security;
select private.create_tenant_policies('outreach_senders', '{owner,admin,operator,marketer,viewer}', '{}');
revoke all on public.outreach_senders from anon, authenticated;
grant select on public.outreach_senders to authenticated;
grant all on public.outreach_senders to service_role;

-- The send chain's hot path: the next queued campaign message of an instance, in planned order.
create index outbound_messages_campaign_claim_idx on public.outbound_messages (instance_id, scheduled_at, id)
  where state = 'queued' and campaign_id is not null;
-- Caps: what an instance sent in the last hour and day.
create index outbound_messages_instance_sent_idx on public.outbound_messages (instance_id, sending_at)
  where sending_at is not null;
-- Counts per campaign and state (progress, stats, completion).
create index outbound_messages_campaign_state_idx on public.outbound_messages (campaign_id, state)
  where campaign_id is not null;

-- A campaign of 100k recipients must not raise 100k notifications per state change: campaign messages reach
-- socket.io as throttled campaign:progress events instead; direct messages keep their per-row message:status.
drop trigger outbound_messages_notify on public.outbound_messages;
create trigger outbound_messages_notify after insert or update on public.outbound_messages
  for each row when (new.campaign_id is null) execute function private.notify_change();
create trigger outbound_messages_notify_delete after delete on public.outbound_messages
  for each row when (old.campaign_id is null) execute function private.notify_change();

-- Planning inserts campaign rows by the hundred thousand with sent_at still null: the contact's last-outbound
-- trigger only has work once a message is sent, so it fires only then (same effect, no call per planned row).
drop trigger outbound_messages_contact_touch on public.outbound_messages;
create trigger outbound_messages_contact_touch after insert or update of sent_at on public.outbound_messages
  for each row when (new.sent_at is not null and new.contact_id is not null)
  execute function private.contact_touch_outbound();
