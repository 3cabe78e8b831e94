import type { Db } from "./client.ts";

/** The organization's holiday calendar (`public.holidays`; RLS: members read, marketers and admins write). */

export type HolidayRow = { id: string; day: string; name: string; countryCode: string | null; createdAt: Date };

const columns = (db: Db) =>
  db`id, to_char(day, 'YYYY-MM-DD') as day, name, country_code as "countryCode", created_at as "createdAt"`;

/** Days between `from` and `to` (inclusive, yyyy-MM-dd), of `country` and of every country when given, by day. */
export async function listHolidays(
  db: Db,
  input: { orgId: string; from: string; to: string; country?: string | undefined },
): Promise<HolidayRow[]> {
  return db<HolidayRow[]>`
    select ${columns(db)} from public.holidays
    where org_id = ${input.orgId} and day between ${input.from}::date and ${input.to}::date
      ${input.country ? db`and (country_code is null or country_code = ${input.country})` : db``}
    order by day, country_code nulls first, name`;
}

/** Adds a day; undefined when the calendar already has that day for that country (or for every country). */
export async function insertHoliday(
  db: Db,
  input: { orgId: string; day: string; name: string; countryCode: string | null },
): Promise<HolidayRow | undefined> {
  const [row] = await db<HolidayRow[]>`
    insert into public.holidays (org_id, day, name, country_code)
    values (${input.orgId}, ${input.day}::date, ${input.name}, ${input.countryCode})
    on conflict (org_id, day, coalesce(country_code, '')) do nothing
    returning ${columns(db)}`;
  return row;
}

export async function deleteHoliday(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.holidays where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}
