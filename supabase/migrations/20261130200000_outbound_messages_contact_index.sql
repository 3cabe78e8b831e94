-- The contact page lists the campaigns that wrote to a contact (outbound messages by contact id); deleting or
-- erasing a contact sets contact_id to null on its messages. Both look rows up by (org_id, contact_id).
create index outbound_messages_contact_idx on public.outbound_messages (org_id, contact_id)
  where contact_id is not null;
