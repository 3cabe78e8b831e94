-- Session hosting: what the operator wants (desired_state), the QR attempt limit's outcome, and the auth-state
-- row count per instance that the health view reports. Placement (worker_id, epoch) already exists on instances.

alter type public.instance_status add value if not exists 'pairing_expired' after 'pending_pairing';

alter table public.instances
  add column desired_state text not null default 'running' check (desired_state in ('running', 'stopped'));

-- Workers reconcile "instances assigned to me that should run" on start and every few seconds.
create index instances_placement_idx on public.instances (worker_id, desired_state);
-- The orchestrator places instances nobody hosts.
create index instances_unplaced_idx on public.instances (created_at) where worker_id is null and desired_state = 'running';
