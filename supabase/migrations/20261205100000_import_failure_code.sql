-- A failed import keeps why it stopped as a code too (contracts ZImportFailureCode: the file had no rows, the uploader
-- may no longer write contacts…), so the dashboard words it in the user's language; `error` stays the English
-- sentence (API clients, logs). Null for imports that did not fail, and for those that failed before codes.
alter table public.contact_imports add column error_code text check (length(error_code) <= 40);
