import type { TContact } from "@mirage/contracts/contacts";

/**
 * The pure parts of editing contacts from the dashboard: the row selection of the contacts table, the tags typed as
 * text, and the request bodies of `PATCH /contacts/{id}` and `POST /lists/{id}/members` (packages/contracts).
 */

/** Whether the rows on screen are all, some or none of the selection: the select-all box's checked/indeterminate. */
export function pageSelection(selected: ReadonlySet<string>, ids: readonly string[]): "all" | "some" | "none" {
  const n = ids.filter((id) => selected.has(id)).length;
  return n === 0 ? "none" : n === ids.length ? "all" : "some";
}

/** The selection with one id flipped. */
export function toggleOne(selected: ReadonlySet<string>, id: string): Set<string> {
  const out = new Set(selected);
  if (out.has(id)) out.delete(id);
  else out.add(id);
  return out;
}

/** The select-all box: adds every row on screen, or — when they all are selected already — removes them. */
export function toggleAll(selected: ReadonlySet<string>, ids: readonly string[]): Set<string> {
  const out = new Set(selected);
  if (pageSelection(selected, ids) === "all") for (const id of ids) out.delete(id);
  else for (const id of ids) out.add(id);
  return out;
}

/** Keeps only the ids still on screen (after a filter change the hidden rows leave the selection). */
export function keepVisible(selected: ReadonlySet<string>, ids: readonly string[]): Set<string> {
  const visible = new Set(ids);
  const out = new Set([...selected].filter((id) => visible.has(id)));
  return out.size === selected.size ? (selected as Set<string>) : out;
}

/** The API takes at most this many contact ids per `POST /lists/{id}/members`. */
export const MEMBERS_PER_REQUEST = 5000;

/** The bodies adding these contacts to a list, in requests of at most MEMBERS_PER_REQUEST ids, duplicates removed. */
export function memberBodies(ids: Iterable<string>): { contactIds: string[] }[] {
  const unique = [...new Set(ids)];
  const out: { contactIds: string[] }[] = [];
  for (let i = 0; i < unique.length; i += MEMBERS_PER_REQUEST)
    out.push({ contactIds: unique.slice(i, i + MEMBERS_PER_REQUEST) });
  return out;
}

/** Tags typed as "vip, lead": trimmed, empty ones dropped, each once (as the API's 1–64 characters, at most 50). */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const tag = raw.trim().slice(0, 64);
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out.slice(0, 50);
}

export type ContactForm = { name: string; tags: string };

export function contactForm(c: Pick<TContact, "name" | "tags">): ContactForm {
  return { name: c.name ?? "", tags: c.tags.join(", ") };
}

/**
 * The `PATCH /contacts/{id}` body of an edit: only what changed, an emptied name as `null`; `null` when nothing
 * changed (no request).
 */
export function contactPatch(
  c: Pick<TContact, "name" | "tags">,
  form: ContactForm,
): { name?: string | null; tags?: string[] } | null {
  const body: { name?: string | null; tags?: string[] } = {};
  const name = form.name.trim() || null;
  if (name !== (c.name ?? null)) body.name = name;
  const tags = parseTags(form.tags);
  if (tags.length !== c.tags.length || tags.some((t, i) => t !== c.tags[i])) body.tags = tags;
  return Object.keys(body).length === 0 ? null : body;
}

/** The `POST /contacts/{id}/consent` body: the source and evidence as typed, trimmed, evidence left out if empty. */
export function consentBody(state: "opted_in" | "opted_out", source: string, evidence: string) {
  const e = evidence.trim();
  return { state, source: source.trim(), ...(e ? { evidence: e } : {}) };
}
