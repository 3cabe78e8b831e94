-- A rejected import line keeps why it was refused as a code too (contracts ZImportRejectionCode: the phone parser's
-- reasons, no_phone), so the dashboard words it in the user's language; `reason` stays the English sentence (the
-- errors CSV, API clients). Null for lines refused for other causes (a line that is not valid in its encoding).
alter table public.contact_import_errors add column code text check (length(code) <= 40);
