import type postgres from "postgres";
import type { Db } from "./client.ts";

/**
 * Erasure of the places that quote a person without pointing at them: a saved segment whose filter names their
 * number, and audit entries whose words carry it. Both rows stay (a segment others rely on, the record that
 * something happened); only the quoting values go, replaced by {@link ERASED}.
 */

/** How a person is recognised in text: see `PrivacyTarget` in contact-privacy.ts, which this is a part of. */
export type PrivacyTarget = { forms: string[]; waLid: string | null; nationalNumbers: string[] };

/** What stands where an erased person's number was quoted. */
export const ERASED = "[erased]";

/** The digit runs that reveal the person: the national numbers, and the LID's digits. Eight digits at least. */
const digitNeedles = (t: PrivacyTarget) =>
  [...t.nationalNumbers, t.waLid?.split("@")[0]?.replace(/[^0-9]/g, "") ?? ""].filter((n) => n.length >= 8);

/**
 * Whether a free-text value quotes the person: one of their numbers in any form WhatsApp treats as the same line, or
 * its national digits however the value was written ("(11) 97600-0001"), or their LID. Eight digits at least, so a
 * short number cannot match inside unrelated text (the same rule as the import errors').
 */
export function quotesPerson(value: string, t: PrivacyTarget): boolean {
  if (t.forms.some((f) => value.includes(f))) return true;
  if (t.waLid && value.includes(t.waLid)) return true;
  const digits = value.replace(/[^0-9]/g, "");
  return digitNeedles(t).some((n) => digits.includes(n));
}

/**
 * A JSON value with every string (and object key) that quotes the person replaced by {@link ERASED}; `changed`
 * tells whether anything was. Numbers and booleans are left: a number is never stored as a JSON number here.
 */
export function scrubJson(value: unknown, t: PrivacyTarget): { value: unknown; changed: boolean } {
  if (typeof value === "string")
    return quotesPerson(value, t) ? { value: ERASED, changed: true } : { value, changed: false };
  if (Array.isArray(value)) {
    const items = value.map((v) => scrubJson(v, t));
    return { value: items.map((i) => i.value), changed: items.some((i) => i.changed) };
  }
  if (value && typeof value === "object") {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const inner = scrubJson(v, t);
      const key = quotesPerson(k, t) ? ERASED : k;
      changed ||= inner.changed || key !== k;
      out[key] = inner.value;
    }
    return { value: out, changed };
  }
  return { value, changed: false };
}

// Candidate rows in SQL, each confirmed value by value in TypeScript (`quotesPerson`): the digits of the whole text
// run together across fields, so this only narrows the scan.
const quotedIn = (db: Db, text: postgres.PendingQuery<postgres.Row[]>, t: PrivacyTarget) => db`(
  (${t.waLid}::text is not null and position(${t.waLid}::text in ${text}) > 0)
  or exists (select 1 from unnest(${digitNeedles(t)}::text[]) n
             where position(n in regexp_replace(${text}, '[^0-9]', '', 'g')) > 0))`;

/**
 * Saved segments whose filter quotes the person (a custom-field condition "telefone equals +55…") or whose
 * description does. The condition stays with {@link ERASED} as its value, so the segment still narrows as before (it
 * matched only the erased person there, and now matches nobody there) instead of widening to everyone, which
 * dropping the condition would do to a campaign aimed at it. A description quoting the person is removed. Each
 * changed segment gets a `segment.update` audit entry by the same actor and request as the erasure's entry
 * (`eraseAuditId`), with `{ reason: "contact.erase" }`. Answers how many segments changed.
 */
export async function scrubSegments(db: Db, orgId: string, t: PrivacyTarget, eraseAuditId: number | null) {
  const rows = await db<{ id: string; name: string; filter: Record<string, unknown>; description: string | null }[]>`
    select id, name, filter, description from public.segments s
    where s.org_id = ${orgId} and ${quotedIn(db, db`s.filter::text || ' ' || coalesce(s.description, '')`, t)}
    for update`;
  let changed = 0;
  for (const s of rows) {
    const filter = scrubJson(s.filter, t);
    const description = s.description !== null && quotesPerson(s.description, t) ? null : s.description;
    if (!filter.changed && description === s.description) continue;
    await db`update public.segments set filter = ${db.json(filter.value as never)}, description = ${description},
      updated_at = now() where org_id = ${orgId} and id = ${s.id}`;
    if (eraseAuditId !== null)
      await db`
        insert into public.audit_log (org_id, actor_user_id, actor_api_key_id, actor_label, action, target_type,
                                      target_id, target_label, detail, ip, request_id)
        select a.org_id, a.actor_user_id, a.actor_api_key_id, a.actor_label, 'segment.update', 'segment', ${s.id},
               ${s.name.slice(0, 300)}, ${db.json({ reason: "contact.erase" })},
               a.ip, a.request_id
        from public.audit_log a where a.id = ${eraseAuditId} and a.org_id = ${orgId}`;
    changed++;
  }
  return changed;
}

/**
 * Audit entries whose words quote the person: the label kept with the entry and the detail (a bulk action's search
 * text, a request body). The entry stays (action, actor, target ids, time: the record that something happened);
 * the quoting values become {@link ERASED}, a quoting label null. Answers how many entries changed.
 */
export async function scrubAuditEntries(db: Db, orgId: string, t: PrivacyTarget): Promise<number> {
  const rows = await db<{ id: number; targetLabel: string | null; actorLabel: string | null; detail: unknown }[]>`
    select id, target_label as "targetLabel", actor_label as "actorLabel", detail from public.audit_log a
    where a.org_id = ${orgId}
      and ${quotedIn(db, db`coalesce(a.target_label, '') || ' ' || coalesce(a.actor_label, '') || ' ' || a.detail::text`, t)}
    for update`;
  let changed = 0;
  for (const a of rows) {
    const detail = scrubJson(a.detail, t);
    const targetLabel = a.targetLabel !== null && quotesPerson(a.targetLabel, t) ? null : a.targetLabel;
    const actorLabel = a.actorLabel !== null && quotesPerson(a.actorLabel, t) ? null : a.actorLabel;
    if (!detail.changed && targetLabel === a.targetLabel && actorLabel === a.actorLabel) continue;
    await db`update public.audit_log set detail = ${db.json(detail.value as never)}, target_label = ${targetLabel},
      actor_label = ${actorLabel} where org_id = ${orgId} and id = ${a.id}`;
    changed++;
  }
  return changed;
}
