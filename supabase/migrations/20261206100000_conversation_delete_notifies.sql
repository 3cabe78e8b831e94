-- A deleted conversation (an erased contact's, or its instance's going) now reaches open inboxes: the relay turns
-- the notification into `conversation:changed` with `deleted: true`, and the dashboard drops it from the screen.
-- Before, deletes of conversations notified nothing, so an inbox kept showing an erased person until reloaded.
-- Same statement-level notifier as inserts and updates: the deleted rows are handed over under the name it reads.
create trigger conversations_notify_delete after delete on public.conversations
  referencing old table as new_rows for each statement execute function private.notify_change_rows();
