import type { ContactRow } from "@mirage/db/contacts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toContactDto(c: ContactRow) {
  return {
    id: c.id,
    phone: c.phone,
    altPhones: c.altPhones,
    waLid: c.waLid,
    name: c.name,
    customFields: c.customFields,
    tags: c.tags,
    lineType: c.lineType,
    consent: { state: c.consentState, source: c.consentSource, at: iso(c.consentAt) },
    optedOutAt: iso(c.optedOutAt),
    lastInboundAt: iso(c.lastInboundAt),
    lastOutboundAt: iso(c.lastOutboundAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Columns of a contacts CSV export: fixed ones, then every custom field key found (export re-imports as is). */
export const EXPORT_COLUMNS = ["phone", "name", "other_phones", "tags", "consent", "line_type", "created_at"];

export function exportCells(c: ContactRow, fieldKeys: readonly string[]): unknown[] {
  return [
    c.phone,
    c.name,
    c.altPhones.join(" ::: "),
    c.tags.join(" ::: "),
    c.consentState,
    c.lineType,
    c.createdAt.toISOString(),
    ...fieldKeys.map((k) => c.customFields[k] ?? ""),
  ];
}
