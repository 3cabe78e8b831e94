-- An event addressed to one endpoint (the API's "send a test event", `p_endpoint`) reaches it whatever events the
-- endpoint subscribed to and whichever instance it follows: a test sent to an endpoint that listens only to
-- message:status was filtered out, and the API answered 202 with no delivery at all. Events for everyone
-- (`p_endpoint` null) still reach only the endpoints that subscribed to them.
create or replace function private.write_webhook_outbox(
  p_org uuid, p_type text, p_payload jsonb, p_endpoint uuid default null
) returns setof bigint language sql security definer set search_path = '' as $$
  insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload)
  select e.org_id, e.id, p_type, p_payload
  from public.webhook_endpoints e
  where e.org_id = p_org and e.enabled
    and (p_endpoint = e.id
      or (p_endpoint is null
        and (cardinality(e.events) = 0 or p_type = any (e.events))
        and (e.instance_id is null or e.instance_id::text = p_payload ->> 'instanceId')))
  returning id
$$;
revoke all on function private.write_webhook_outbox(uuid, text, jsonb, uuid) from public, anon, authenticated;
