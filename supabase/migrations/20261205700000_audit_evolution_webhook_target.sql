-- An endpoint made or replaced through the Evolution API routes (`POST /evolution/webhook/set`) was logged with the
-- target kind `webhook`, every other route's entries about the same endpoints with `webhook_endpoint`: the audit
-- log's target filter offered both ("Webhook" and "Webhook endpoint"), and filtering by the endpoint kind missed
-- those entries. The route now writes `webhook_endpoint`; the entries written before are filed the same way.
update public.audit_log set target_type = 'webhook_endpoint' where target_type = 'webhook';
