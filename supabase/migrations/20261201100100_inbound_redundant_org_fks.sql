-- Every inbound message and every webhook row checked its organization twice on insert: through the plain org_id
-- key and through the composite key to its instance (or endpoint), which carries the same org_id and cascades the
-- same way. The plain keys are dropped: the composite ones still refuse another organization's instance or
-- endpoint, and deleting an organization still deletes these rows (organization → instances → inbound messages,
-- organization → webhook endpoints → deliveries). One foreign-key check less per message and per webhook row.
alter table public.inbound_messages drop constraint inbound_messages_org_id_fkey;
alter table public.webhook_deliveries drop constraint webhook_deliveries_org_id_fkey;
