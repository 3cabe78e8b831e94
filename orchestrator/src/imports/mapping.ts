import type { TImportMappingProblemCode } from "@mirage/contracts/import-preview";
import type { TImportMapping } from "@mirage/contracts/imports";

/**
 * Column mapping: guessed from the header in Portuguese, Spanish and English (Excel sheets, Google Contacts,
 * Outlook, CRM dumps), or given by the caller. Resolved against the header to column indexes once.
 */

/** Lower-case, accents removed, punctuation → spaces: "Telefone Célular (1)" → "telefone celular 1". */
export function normalizeHeader(h: string): string {
  return h
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Custom field key for a header: "Data de Nascimento" → "data_de_nascimento". */
export function fieldKey(h: string): string {
  return normalizeHeader(h).replace(/ /g, "_").slice(0, 64) || "column";
}

const PHONE =
  /\b(telefones?|celular(es)?|cel|fones?|whats ?app|whats|zap|wpp|phones?|mobile|movil|telefonos?|tel|telemovel|contato telefonico|numero de (telefone|celular|whatsapp)|n(umero|ro) (whats|cel))\b/;
// Google's "Phone 1 - Type"/"Label" columns name a kind of number, they do not hold one.
const PHONE_LABEL = /\b(type|label|tipo|etiqueta)\b/;
const NOT_PHONE = /\b(fax|pager|e ?mail|ramal|extension|ext)\b/;
const FULL_NAME =
  /^(nome|nome completo|name|full name|display name|nombre completo|nombre y apellido|cliente|contato|contact|razao social)$/;
const FIRST_NAME = /^(first name|given name|primeiro nome|nome proprio|nombre|nombres|pre nome)$/;
const LAST_NAME = /^(last name|family name|surname|sobrenome|ultimo nome|apellidos?)$/;
const TAGS = /^(tags?|etiquetas?|labels?|marcadores|grupos?|groups?|group membership|categorias?|categories)$/;

export type ResolvedMapping = {
  /** The mapping as header names (what is recorded on the import). */
  mapping: TImportMapping;
  phone: number[];
  name: number[];
  firstName: number | undefined;
  lastName: number | undefined;
  tags: number | undefined;
  /** Column index → custom field key. */
  fields: Map<number, string>;
};

/**
 * Why a mapping cannot apply: `reason` in English (an upload refused, a failed import); `code` and `columns` (the
 * names the file lacks, for `missing_columns`) for clients to word it.
 */
export type MappingError = { reason: string; code: TImportMappingProblemCode; columns: string[] };

/** Guesses a mapping from a header; `phone` is empty when no column looks like one. */
export function guessMapping(header: readonly string[]): TImportMapping {
  const norm = header.map(normalizeHeader);
  const phone: string[] = [];
  let name: string[] | undefined;
  let firstName: string | undefined;
  let lastName: string | undefined;
  let tags: string | undefined;
  norm.forEach((h, i) => {
    const raw = header[i] as string;
    if (PHONE.test(h) && !PHONE_LABEL.test(h) && !NOT_PHONE.test(h)) phone.push(raw);
    else if (FULL_NAME.test(h) && !name) name = [raw];
    else if (FIRST_NAME.test(h) && firstName === undefined) firstName = raw;
    else if (LAST_NAME.test(h) && lastName === undefined) lastName = raw;
    else if (TAGS.test(h) && tags === undefined) tags = raw;
  });
  const ignore = header.filter(
    (_, i) => PHONE_LABEL.test(norm[i] as string) && /phone|telefone|telefono/.test(norm[i] as string),
  );
  return {
    phone,
    ...(name ? { name } : {}),
    ...(firstName !== undefined ? { firstName } : {}),
    ...(lastName !== undefined ? { lastName } : {}),
    ...(tags !== undefined ? { tags } : {}),
    ...(ignore.length > 0 ? { ignore } : {}),
  };
}

/**
 * Resolves a mapping (header names) against the header. Names match exactly first, then by normalized text.
 * @returns the resolved mapping, or the reason it cannot apply (no phone column, a named column missing).
 */
export function resolveMapping(header: readonly string[], mapping: TImportMapping): ResolvedMapping | MappingError {
  const norm = header.map(normalizeHeader);
  const find = (name: string): number => {
    const exact = header.indexOf(name);
    return exact !== -1 ? exact : norm.indexOf(normalizeHeader(name));
  };
  const missing: string[] = [];
  const idx = (name: string) => {
    const i = find(name);
    if (i === -1) missing.push(name);
    return i;
  };
  if (mapping.phone.length === 0) {
    return {
      reason:
        `no phone column: none of the columns (${header.map((h) => `"${h}"`).join(", ")}) looks like a phone ` +
        `number column (telefone, celular, whatsapp, phone, mobile, teléfono…); name it in the mapping`,
      code: "no_phone_column",
      columns: [],
    };
  }
  const phone = mapping.phone.map(idx);
  const name = (mapping.name ?? []).map(idx);
  const firstName = mapping.firstName !== undefined ? idx(mapping.firstName) : undefined;
  const lastName = mapping.lastName !== undefined ? idx(mapping.lastName) : undefined;
  const tags = mapping.tags !== undefined ? idx(mapping.tags) : undefined;
  const ignored = new Set((mapping.ignore ?? []).map(find).filter((i) => i !== -1));
  if (missing.length > 0) {
    return {
      reason: `the mapping names columns the file does not have: ${missing.map((m) => `"${m}"`).join(", ")}`,
      code: "missing_columns",
      columns: missing,
    };
  }
  const used = new Set<number>([...phone, ...name, ...[firstName, lastName, tags].filter((i) => i !== undefined)]);
  const fields = new Map<number, string>();
  const renames = new Map(Object.entries(mapping.fields ?? {}).map(([h, k]) => [find(h), k]));
  const taken = new Set<string>();
  header.forEach((h, i) => {
    if (used.has(i) || ignored.has(i) || h.trim() === "") return;
    let key = renames.get(i) ?? fieldKey(h);
    for (let n = 2; taken.has(key); n++) key = `${fieldKey(h)}_${n}`;
    taken.add(key);
    fields.set(i, key);
  });
  return { mapping, phone, name, firstName, lastName, tags, fields };
}
