import type { TImportMapping } from "@mirage/contracts/imports";

/** What one file column feeds, as the wizard's mapping editor shows it (one choice per column). */
export type ColumnRole = "phone" | "name" | "firstName" | "lastName" | "tags" | "field" | "ignore";
export const COLUMN_ROLES: readonly ColumnRole[] = [
  "phone",
  "name",
  "firstName",
  "lastName",
  "tags",
  "field",
  "ignore",
];

/** The role of each header column under `mapping` (columns named nowhere become custom fields). */
export function rolesOf(header: readonly string[], mapping: TImportMapping): ColumnRole[] {
  return header.map((h) => {
    if (mapping.phone.includes(h)) return "phone";
    if (mapping.name?.includes(h)) return "name";
    if (mapping.firstName === h) return "firstName";
    if (mapping.lastName === h) return "lastName";
    if (mapping.tags === h) return "tags";
    if (mapping.ignore?.includes(h)) return "ignore";
    return "field";
  });
}

/** The mapping for per-column roles; null when no column holds phone numbers (the import needs one). */
export function mappingOf(header: readonly string[], roles: readonly ColumnRole[]): TImportMapping | null {
  const cols = (r: ColumnRole) => header.filter((h, i) => roles[i] === r && h.trim() !== "");
  const phone = cols("phone");
  if (phone.length === 0) return null;
  const name = cols("name");
  const ignore = cols("ignore");
  const [firstName] = cols("firstName");
  const [lastName] = cols("lastName");
  const [tags] = cols("tags");
  return {
    phone,
    ...(name.length > 0 ? { name } : {}),
    ...(firstName ? { firstName } : {}),
    ...(lastName ? { lastName } : {}),
    ...(tags ? { tags } : {}),
    ...(ignore.length > 0 ? { ignore } : {}),
  };
}
