import { parseTemplate, type TemplateNode } from "./parse.ts";

/** What a template can read about one recipient. */
export type TemplateContact = {
  name?: string | null;
  /** E.164. */
  phone?: string | null;
  customFields?: Record<string, unknown> | null;
  tags?: readonly string[] | null;
};

/** Built-in variables; any other name reads a custom field (`{{cidade}}` or `{{custom.cidade}}`). */
export const BUILTIN_VARIABLES = ["name", "first_name", "last_name", "phone", "nome", "primeiro_nome"] as const;

export type RenderResult = {
  text: string;
  /** Variables that had no value and no fallback (rendered as nothing). */
  missing: string[];
};

/** Random source in [0, 1); pass a seeded one for reproducible renderings (previews, retries). */
export type Random = () => number;

/** A small deterministic generator (mulberry32) for seeded renderings: same seed, same text. */
export function seededRandom(seed: number | string): Random {
  let a = typeof seed === "number" ? seed >>> 0 : hashString(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Value of a variable for a contact, or undefined when it has none (empty strings count as none).
 * Names are matched case-insensitively; custom fields also by their exact key.
 */
export function variableValue(name: string, contact: TemplateContact): string | undefined {
  const key = name.trim();
  const lower = key.toLowerCase();
  const full = (contact.name ?? "").trim().replace(/\s+/g, " ");
  const parts = full === "" ? [] : full.split(" ");
  let value: unknown;
  switch (lower) {
    case "name":
    case "nome":
      value = full;
      break;
    case "first_name":
    case "primeiro_nome":
      value = parts[0];
      break;
    case "last_name":
      value = parts.length > 1 ? parts.slice(1).join(" ") : undefined;
      break;
    case "phone":
      value = contact.phone;
      break;
    default: {
      const fields = contact.customFields ?? {};
      const field = lower.startsWith("custom.") ? key.slice(7) : key;
      value = fields[field];
      if (value === undefined) {
        const match = Object.keys(fields).find((k) => k.toLowerCase() === field.toLowerCase());
        if (match !== undefined) value = fields[match];
      }
    }
  }
  if (value === null || value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(", ") : String(value);
  return text.trim() === "" ? undefined : text;
}

/**
 * Renders template text (or a parsed tree) for one contact: variables filled (fallback when empty), one spintax
 * option chosen per group with `random`, everything else — WhatsApp formatting included — kept verbatim.
 * Pure and synchronous; safe in the browser and in workers.
 */
export function renderTemplate(
  template: string | TemplateNode[],
  contact: TemplateContact,
  random: Random = Math.random,
): RenderResult {
  const nodes = typeof template === "string" ? parseTemplate(template).nodes : template;
  const missing: string[] = [];
  const text = renderNodes(nodes, contact, random, missing);
  return { text, missing };
}

function renderNodes(nodes: TemplateNode[], contact: TemplateContact, random: Random, missing: string[]): string {
  let out = "";
  for (const n of nodes) {
    if (n.kind === "text") out += n.value;
    else if (n.kind === "var") {
      const v = variableValue(n.name, contact);
      if (v !== undefined) out += v;
      else if (n.fallback) out += renderNodes(n.fallback, contact, random, missing);
      else if (!missing.includes(n.name)) missing.push(n.name);
    } else {
      const idx = Math.min(n.options.length - 1, Math.floor(random() * n.options.length));
      out += renderNodes(n.options[idx] ?? [], contact, random, missing);
    }
  }
  return out;
}

/**
 * Picks which variant (0 = the body, 1.. = the variations) a recipient gets. Deterministic for a seed, so a retried
 * send renders the same text.
 */
export function pickVariant(variantCount: number, random: Random = Math.random): number {
  if (variantCount <= 1) return 0;
  return Math.min(variantCount - 1, Math.floor(random() * variantCount));
}
