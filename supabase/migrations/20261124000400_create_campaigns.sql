-- Outreach: templates, campaigns with their sender pools and rounds, one row per outbound message, inbound messages
-- and holidays. Cross-table references are composite (org_id, id) so no row can point into another organization.

create table public.message_templates (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 200),
  body text not null check (length(body) between 1 and 4096),
  -- Alternative wordings picked per recipient so a campaign does not send one identical text thousands of times.
  variations text[] not null default '{}' check (cardinality(variations) <= 50),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id)
);
create index message_templates_org_id_idx on public.message_templates (org_id);
create trigger message_templates_touch before update on public.message_templates
  for each row execute function private.touch_updated_at();

create type public.campaign_status as enum ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled');

create table public.campaigns (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 200),
  description text,
  status public.campaign_status not null default 'draft',
  template_id uuid,
  contact_list_id uuid,
  timezone text not null default 'UTC',
  starts_at timestamptz,
  ends_at timestamptz,
  -- {"days":[1,2,3,4,5],"windows":[{"start":"09:00","end":"18:00"}]} in the campaign's time zone.
  schedule jsonb not null default '{}'::jsonb,
  -- {"start":"21:00","end":"08:00"}: never send inside this window of the recipient's local time.
  quiet_hours jsonb not null default '{}'::jsonb,
  -- Gaps, breaks, caps: validated by the API's zod schema, stored as given.
  pacing jsonb not null default '{}'::jsonb,
  steps smallint not null default 1 check (steps between 1 and 10),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at is null or starts_at is null or ends_at > starts_at),
  unique (org_id, id),
  foreign key (org_id, template_id) references public.message_templates (org_id, id) on delete set null (template_id),
  foreign key (org_id, contact_list_id) references public.contact_lists (org_id, id) on delete set null (contact_list_id)
);
create index campaigns_org_id_idx on public.campaigns (org_id);
create index campaigns_due_idx on public.campaigns (starts_at) where status in ('scheduled', 'running');
create trigger campaigns_touch before update on public.campaigns
  for each row execute function private.touch_updated_at();

create table public.campaign_senders (
  campaign_id uuid not null,
  instance_id uuid not null,
  org_id uuid not null references public.organizations (id) on delete cascade,
  weight smallint not null default 1 check (weight between 1 and 100),
  primary key (campaign_id, instance_id),
  foreign key (org_id, campaign_id) references public.campaigns (org_id, id) on delete cascade,
  foreign key (org_id, instance_id) references public.instances (org_id, id) on delete cascade
);
create index campaign_senders_org_id_idx on public.campaign_senders (org_id);
create index campaign_senders_instance_idx on public.campaign_senders (instance_id);

create type public.round_status as enum ('planned', 'running', 'completed', 'cancelled');

create table public.campaign_rounds (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  campaign_id uuid not null,
  round_number integer not null check (round_number >= 1),
  scheduled_for timestamptz not null,
  status public.round_status not null default 'planned',
  planned_count integer not null default 0 check (planned_count >= 0),
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  unique (campaign_id, round_number),
  unique (org_id, id),
  foreign key (org_id, campaign_id) references public.campaigns (org_id, id) on delete cascade
);
create index campaign_rounds_org_id_idx on public.campaign_rounds (org_id);
create index campaign_rounds_due_idx on public.campaign_rounds (scheduled_for) where status = 'planned';

create type public.message_state as enum (
  'queued', 'claimed', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'unknown', 'cancelled'
);

create table public.outbound_messages (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  campaign_id uuid,
  round_id uuid,
  step smallint not null default 1 check (step >= 1),
  contact_id uuid,
  recipient_phone text not null check (recipient_phone ~ '^\+[1-9][0-9]{6,14}$'),
  recipient_lid text,
  instance_id uuid,
  state public.message_state not null default 'queued',
  skip_reason text,
  body text not null check (length(body) between 1 and 65536),
  variation smallint,
  -- Generated and stored before the socket write: after a crash, receipts find the row and nothing is resent.
  wa_message_id text,
  -- Caller-chosen idempotency key for API sends.
  client_ref text check (length(client_ref) <= 200),
  scheduled_at timestamptz not null default now(),
  error_code text,
  error_message text,
  queued_at timestamptz not null default now(),
  claimed_at timestamptz,
  sending_at timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (state <> 'skipped' or skip_reason is not null),
  foreign key (org_id, campaign_id) references public.campaigns (org_id, id) on delete cascade,
  foreign key (org_id, round_id) references public.campaign_rounds (org_id, id) on delete set null (round_id),
  foreign key (org_id, contact_id) references public.contacts (org_id, id) on delete set null (contact_id),
  foreign key (org_id, instance_id) references public.instances (org_id, id) on delete set null (instance_id)
);
-- One message per recipient and step of a campaign.
create unique index outbound_messages_recipient_key on public.outbound_messages (campaign_id, recipient_phone, step)
  where campaign_id is not null;
create unique index outbound_messages_client_ref_key on public.outbound_messages (org_id, client_ref)
  where client_ref is not null;
create unique index outbound_messages_wa_id_key on public.outbound_messages (instance_id, wa_message_id)
  where wa_message_id is not null;
create index outbound_messages_org_id_idx on public.outbound_messages (org_id, id);
create index outbound_messages_campaign_idx on public.outbound_messages (campaign_id, id);
-- The send chain's hot path: the next due message for an instance.
create index outbound_messages_claim_idx on public.outbound_messages (instance_id, scheduled_at)
  where state = 'queued';
-- Crash recovery: rows left claimed or sending by a dead worker.
create index outbound_messages_inflight_idx on public.outbound_messages (instance_id, state)
  where state in ('claimed', 'sending', 'unknown');

-- queued → claimed → sending → sent → delivered → read; failed | skipped | cancelled | unknown on the way.
-- Enforced here because a wrong transition (sending → queued) would send twice.
create or replace function private.outbound_transition_ok(p_from public.message_state, p_to public.message_state)
returns boolean language sql immutable as $$
  select p_from = p_to or case p_from
    when 'queued' then p_to in ('claimed', 'skipped', 'failed', 'cancelled')
    when 'claimed' then p_to in ('queued', 'sending', 'skipped', 'failed', 'cancelled')
    when 'sending' then p_to in ('sent', 'delivered', 'read', 'failed', 'unknown')
    when 'sent' then p_to in ('delivered', 'read', 'failed')
    when 'delivered' then p_to in ('read')
    when 'unknown' then p_to in ('sent', 'delivered', 'read', 'failed')
    else false
  end
$$;

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
      when 'queued' then new.claimed_at := null;
      else null;
    end case;
    if new.state in ('read', 'failed', 'skipped', 'cancelled') then
      new.finished_at := coalesce(new.finished_at, now());
    end if;
  end if;
  return new;
end $$;
create trigger outbound_messages_state before update on public.outbound_messages
  for each row execute function private.outbound_on_state();

create table public.inbound_messages (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  instance_id uuid not null,
  wa_message_id text not null,
  from_jid text not null,
  from_phone text,
  from_lid text,
  contact_id uuid,
  message_type text not null default 'text',
  body text,
  is_opt_out boolean not null default false,
  received_at timestamptz not null default now(),
  unique (instance_id, wa_message_id),
  foreign key (org_id, instance_id) references public.instances (org_id, id) on delete cascade,
  foreign key (org_id, contact_id) references public.contacts (org_id, id) on delete set null (contact_id)
);
create index inbound_messages_org_id_idx on public.inbound_messages (org_id, id);
create index inbound_messages_from_idx on public.inbound_messages (org_id, from_phone, received_at desc);

create table public.holidays (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  day date not null,
  name text not null,
  -- ISO 3166-1 alpha-2; null means every country.
  country_code text check (country_code ~ '^[A-Z]{2}$'),
  created_at timestamptz not null default now()
);
create index holidays_org_id_idx on public.holidays (org_id);
create unique index holidays_org_day_key on public.holidays (org_id, day, coalesce(country_code, ''));

alter table public.message_templates enable row level security;
alter table public.campaigns enable row level security;
alter table public.campaign_senders enable row level security;
alter table public.campaign_rounds enable row level security;
alter table public.outbound_messages enable row level security;
alter table public.inbound_messages enable row level security;
alter table public.holidays enable row level security;

-- Marketers (and admins, owners) write what defines a campaign.
select private.create_tenant_policies(t, '{owner,admin,operator,marketer,viewer}', '{owner,admin,marketer}')
from unnest(array['message_templates', 'campaigns', 'campaign_senders', 'holidays']) t;
-- What the system produces: every member reads it, only the service writes it (sending state must not be forged).
select private.create_tenant_policies(t, '{owner,admin,operator,marketer,viewer}', '{}')
from unnest(array['campaign_rounds', 'outbound_messages', 'inbound_messages']) t;

revoke all on public.message_templates, public.campaigns, public.campaign_senders, public.holidays,
  public.campaign_rounds, public.outbound_messages, public.inbound_messages from anon, authenticated;
grant select, insert, update, delete on public.message_templates, public.campaigns, public.campaign_senders,
  public.holidays to authenticated;
grant select on public.campaign_rounds, public.outbound_messages, public.inbound_messages to authenticated;
grant all on public.message_templates, public.campaigns, public.campaign_senders, public.holidays,
  public.campaign_rounds, public.outbound_messages, public.inbound_messages to service_role;
