import type { TSegmentFilter } from "@mirage/contracts/segments";

/** The segment builder's form state: text and dates as typed, turned into the API's filter by `toFilter`. */
export type FilterForm = {
  tagsAny: string;
  tagsAll: string;
  tagsNone: string;
  consent: ("opted_in" | "opted_out" | "unknown")[];
  replied: "" | "true" | "false";
  inListsAny: string[];
  notInLists: string[];
  createdFrom: string;
  createdTo: string;
  lastMessageFrom: string;
  lastMessageTo: string;
  customFields: { key: string; op: "equals" | "contains" | "exists" | "missing"; value: string }[];
};

export const EMPTY_FORM: FilterForm = {
  tagsAny: "",
  tagsAll: "",
  tagsNone: "",
  consent: [],
  replied: "",
  inListsAny: [],
  notInLists: [],
  createdFrom: "",
  createdTo: "",
  lastMessageFrom: "",
  lastMessageTo: "",
  customFields: [],
};

const tags = (s: string) => [
  ...new Set(
    s
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
  ),
];
// Dates are the user's local days: from the start of the first to the end of the last.
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined);
const dayEnd = (d: string) => (d ? new Date(`${d}T23:59:59.999`).toISOString() : undefined);
const day = (iso: string | undefined) => {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

/** The API filter for the form; empty conditions are left out (an empty filter matches every contact). */
export function toFilter(f: FilterForm): TSegmentFilter {
  const out: TSegmentFilter = {};
  const any = tags(f.tagsAny);
  const all = tags(f.tagsAll);
  const none = tags(f.tagsNone);
  if (any.length) out.tagsAny = any;
  if (all.length) out.tagsAll = all;
  if (none.length) out.tagsNone = none;
  if (f.consent.length) out.consent = f.consent;
  if (f.replied) out.replied = f.replied === "true";
  if (f.inListsAny.length) out.inListsAny = f.inListsAny;
  if (f.notInLists.length) out.notInLists = f.notInLists;
  const range = {
    createdFrom: dayStart(f.createdFrom),
    createdTo: dayEnd(f.createdTo),
    lastMessageFrom: dayStart(f.lastMessageFrom),
    lastMessageTo: dayEnd(f.lastMessageTo),
  };
  for (const [k, v] of Object.entries(range)) if (v) out[k as keyof typeof range] = v;
  const fields = f.customFields
    .filter((c) => c.key.trim() !== "" && (c.op === "exists" || c.op === "missing" || c.value !== ""))
    .map((c) => ({
      key: c.key.trim(),
      op: c.op,
      ...(c.op === "equals" || c.op === "contains" ? { value: c.value } : {}),
    }));
  if (fields.length) out.customFields = fields;
  return out;
}

/** The form for a saved filter. */
export function toForm(f: TSegmentFilter): FilterForm {
  return {
    tagsAny: (f.tagsAny ?? []).join(", "),
    tagsAll: (f.tagsAll ?? []).join(", "),
    tagsNone: (f.tagsNone ?? []).join(", "),
    consent: f.consent ?? [],
    replied: f.replied === undefined ? "" : f.replied ? "true" : "false",
    inListsAny: f.inListsAny ?? [],
    notInLists: f.notInLists ?? [],
    createdFrom: day(f.createdFrom),
    createdTo: day(f.createdTo),
    lastMessageFrom: day(f.lastMessageFrom),
    lastMessageTo: day(f.lastMessageTo),
    customFields: (f.customFields ?? []).map((c) => ({ key: c.key, op: c.op, value: c.value ?? "" })),
  };
}
