-- Campaign failover: when a sender stopped taking a campaign's work. A sender is taken back only when its number
-- connected again after that instant (a number deactivated as the ban arrives, while its status still says
-- connected, must not be taken back by a tick that runs between the two writes).
alter table public.campaign_senders add column inactive_since timestamptz;
update public.campaign_senders set inactive_since = now() where not active;
