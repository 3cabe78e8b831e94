-- Campaign planning writes its queued rows in bulk without a foreign-key check per row.
--
-- A round of 100k recipients inserts 100k rows into outbound_messages in one statement. Each row fired six
-- foreign-key triggers (organization, campaign, contact, sender, round, author), each one a separate lookup that
-- also locks the referenced row: more than half of the insert's time. Every one of those checks is proven here
-- once, by the statement itself, instead of once per row:
--   * campaign and organization: the campaign row is read and locked (key share) first; the rows take its org_id,
--     so (org_id, campaign_id) matches it and the organization exists (campaigns.org_id references it, and the
--     lock holds off a cascading delete until this transaction ends);
--   * sender: a planned sender that is not an instance of the campaign's organization is dropped by the join, and
--     the instances are locked (key share) like the foreign key would;
--   * contact: joined on (org_id, id) with the campaign's organization and locked (key share) in the same scan, so
--     a contact of another organization is never planned, and a concurrent delete waits for this transaction and
--     then sets contact_id to null as the foreign key prescribes; a contact deleted before the lock is skipped;
--   * round and author: never set by planning (null: nothing to check).
-- Rows are written with session_replication_role = replica for that one statement (which is what turns the
-- per-row checks off), restored right after. That setting also silences user triggers, so the bulk path is only
-- taken while the table's foreign keys and insert triggers are exactly the ones this function was written for (the
-- two insert triggers do nothing for a queued campaign row: change notifications are only for direct messages,
-- and contact_touch only for a row already sent); anything else, or a role not allowed to change the setting,
-- takes the ordinary path with every check. The unique key (campaign, phone, step) and the CHECK constraints hold
-- in both paths.
-- Rows are inserted in phone order: three of the table's indexes lead with the phone (after the campaign, the
-- organization or the sender), so their insertions land next to each other instead of on a random page each —
-- fewer pages split and written to the WAL (about twice as fast as the plan's own random order, measured on a bare
-- insert). Sorted bytewise ("C", far cheaper than a locale sort): for "+" and digits it is the same order.

create type private.planned_recipient as (
  contact_id uuid,
  instance_id uuid,
  variation smallint,
  scheduled_at timestamptz
);

-- True while outbound_messages has exactly the foreign keys and insert triggers insert_campaign_plan proves or
-- knows to be inert for a planned row (a new one must be reviewed there before the bulk path may skip it).
create or replace function private.campaign_plan_bypass_safe() returns boolean
language sql stable set search_path = '' as $$
  select (
      select coalesce(array_agg(conname::text order by conname), '{}') from pg_catalog.pg_constraint
      where conrelid = 'public.outbound_messages'::regclass and contype = 'f'
    ) = array['outbound_messages_created_by_fkey', 'outbound_messages_org_id_campaign_id_fkey',
              'outbound_messages_org_id_contact_id_fkey', 'outbound_messages_org_id_fkey',
              'outbound_messages_org_id_instance_id_fkey', 'outbound_messages_org_id_round_id_fkey']
    and (
      select coalesce(array_agg(tgname::text order by tgname), '{}') from pg_catalog.pg_trigger
      where tgrelid = 'public.outbound_messages'::regclass and not tgisinternal and (tgtype & 4) <> 0
    ) = array['outbound_messages_contact_touch', 'outbound_messages_notify']
$$;
revoke all on function private.campaign_plan_bypass_safe() from public;
grant execute on function private.campaign_plan_bypass_safe() to service_role;

-- Inserts a campaign's plan: one queued message per planned recipient (contact, sender, variant index, earliest
-- time), the body being p_variants[1 + variation]. Recipients already planned for the campaign are left as they are
-- (never twice); recipients whose contact or sender is not in the campaign's organization are dropped. Answers how
-- many rows were added. Trusted callers only. Errors: 42501 for other callers, 23503 when the campaign does not
-- exist.
create or replace function private.insert_campaign_plan(
  p_campaign uuid, p_variants text[], p_plan private.planned_recipient[]
) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  v_org uuid;
  v_role text := current_setting('session_replication_role');
  v_bulk boolean := false;
  v_n integer;
begin
  if not private.is_trusted_caller() then
    raise exception 'planning a campaign is system work' using errcode = '42501';
  end if;
  select org_id into v_org from public.campaigns where id = p_campaign for key share;
  if v_org is null then
    raise exception 'campaign % does not exist', p_campaign using errcode = '23503';
  end if;
  perform 1 from public.instances i
  where i.org_id = v_org and i.id in (select distinct p.instance_id from unnest(p_plan) p)
  order by i.id
  for key share;
  if v_role = 'origin' and private.campaign_plan_bypass_safe() then
    begin
      perform set_config('session_replication_role', 'replica', true);
      v_bulk := true;
    exception when insufficient_privilege then
      v_bulk := false;
    end;
  end if;
  insert into public.outbound_messages (org_id, campaign_id, contact_id, recipient_phone, recipient_lid,
    instance_id, body, variation, scheduled_at)
  select v_org, p_campaign, c.id, c.phone_e164, c.wa_lid, i.id, p_variants[1 + p.variation], p.variation,
    p.scheduled_at
  from unnest(p_plan) p
  join public.contacts c on c.org_id = v_org and c.id = p.contact_id
  join public.instances i on i.org_id = v_org and i.id = p.instance_id
  order by c.phone_e164 collate "C"
  for key share of c
  on conflict (campaign_id, recipient_phone, step) where campaign_id is not null do nothing;
  get diagnostics v_n = row_count;
  if v_bulk then
    perform set_config('session_replication_role', v_role, true);
  end if;
  return v_n;
end $$;
revoke all on function private.insert_campaign_plan(uuid, text[], private.planned_recipient[]) from public;
grant execute on function private.insert_campaign_plan(uuid, text[], private.planned_recipient[]) to service_role;
grant usage on type private.planned_recipient to service_role;
