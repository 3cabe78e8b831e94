import type { Tx } from "@mirage/db";
import { blockingEntries } from "@mirage/db/blacklist";
import type { ContactRow } from "@mirage/db/contacts";
import { whatsAppCandidates } from "@mirage/phone";

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

/**
 * The contact and whether the blacklist blocks it, asked as GET /blacklist/check asks it: every form WhatsApp may know
 * each of its numbers by (Brazil's ninth digit), its LID and the mappings seen, erased numbers' hashes. The contact's
 * page shows it; an entry added on the Blacklist page does not change the contact's consent, so consent cannot say it.
 */
export async function toContactDetailDto(c: ContactRow, tx: Tx, orgId: string) {
  const phones = [...new Set([c.phone, ...c.altPhones].flatMap((p) => whatsAppCandidates(p)))];
  const entries = await blockingEntries(tx, orgId, { phones, waLid: c.waLid });
  return { ...toContactDto(c), blacklisted: entries.length > 0 };
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
