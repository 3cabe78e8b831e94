-- Numbers imported with a warning (`number_unlikely`) are lines of contact_import_errors like the rejections, so that
-- erasure and retention reach them alike; they are counted and listed apart. An import's record is read every two
-- seconds while it runs: its warnings are a counter kept with the others, not a count of lines per read, and each
-- kind of line has an index of its own, in file order, so listing the first rejections never reads through the
-- warnings (a file of a million unlikely numbers has a million of them).
alter table public.contact_imports add column warnings integer not null default 0;
create index contact_import_errors_warnings_idx on public.contact_import_errors (import_id, line, id)
  where code = 'number_unlikely';
create index contact_import_errors_rejections_idx on public.contact_import_errors (import_id, line, id)
  where code is distinct from 'number_unlikely';
