-- The WhatsApp id of the instance's own reaction to a received message, beside its emoji: a recipient's phone that
-- could not decrypt the reaction asks for it again by that id (a retry receipt), and once Baileys' 5-minute memory
-- lacks it the worker rebuilds it from this row. Only the latest reaction is kept: an earlier one, replaced since,
-- must not be written again.
alter table public.inbound_messages add column my_reaction_wa_id text;
create index inbound_messages_my_reaction_wa_id_idx on public.inbound_messages (instance_id, my_reaction_wa_id)
  where my_reaction_wa_id is not null;
