-- Planning writes one outbound_messages row per recipient (100k at once): every index on the table is paid per row.
-- Two are superseded by others that every query already uses (EXPLAIN of the engine's queries, see
-- docs/campaigns.md) and go; the uniqueness that guarantees "never twice" (outbound_messages_recipient_key) stays.

-- The send paths claim through their own partial indexes: outbound_messages_campaign_claim_idx (campaign rows) and
-- outbound_messages_direct_claim_idx (direct rows); nothing reads (instance_id, scheduled_at) across both.
drop index if exists public.outbound_messages_claim_idx;
-- A campaign's rows are found by outbound_messages_recipient_key and outbound_messages_campaign_state_idx (both led
-- by campaign_id); the report walks one campaign's ids (inserted together) along the primary key.
drop index if exists public.outbound_messages_campaign_idx;
