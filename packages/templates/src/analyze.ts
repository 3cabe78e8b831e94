import { countCombinations, parseTemplate, type TemplateNode, variablesOf } from "./parse.ts";
import { BUILTIN_VARIABLES, renderTemplate, type TemplateContact } from "./render.ts";

export type TemplateWarningCode =
  | "unknown_variable"
  | "missing_value"
  | "empty_result"
  | "similar_variants"
  | "unclosed_variable"
  | "unclosed_spintax"
  | "empty_variable"
  | "empty_option";

export type TemplateWarning = {
  code: TemplateWarningCode;
  message: string;
  /** 0 = the body, 1.. = the variations. */
  variant?: number;
  variable?: string;
  /** For similar_variants: the other variant and the similarity in [0, 1]. */
  other?: number;
  similarity?: number;
};

export type TemplateAnalysis = {
  variables: string[];
  /** Distinct spintax renderings per variant. */
  combinations: number[];
  warnings: TemplateWarning[];
};

export type AnalyzeOptions = {
  /** Custom field keys the organization's contacts have; a variable outside these and the built-ins is unknown. */
  knownFields?: readonly string[];
  /** Variants at or above this similarity (trigram Dice coefficient of their text) are reported. Default 0.9. */
  similarityThreshold?: number;
  /** Contacts to render against: empty results and variables without value or fallback are reported. */
  sampleContacts?: readonly TemplateContact[];
};

/**
 * Checks a template and its variations before anything is sent: unknown variables, malformed braces, empty spintax
 * options, variants too alike to help (WhatsApp fingerprints identical texts), and — given sample contacts —
 * renderings that come out empty or lack a value.
 */
export function analyzeTemplate(variants: readonly string[], opts: AnalyzeOptions = {}): TemplateAnalysis {
  const known = new Set([...BUILTIN_VARIABLES, ...(opts.knownFields ?? [])].map((k) => k.toLowerCase()));
  const warnings: TemplateWarning[] = [];
  const variables: string[] = [];
  const combinations: number[] = [];
  const parsed = variants.map((v) => parseTemplate(v));

  parsed.forEach((p, variant) => {
    for (const issue of p.issues) {
      warnings.push({
        code: issue.code,
        variant,
        message: `${issue.code.replace(/_/g, " ")} at character ${issue.at + 1}: it is sent as written`,
      });
    }
    if (hasEmptyOption(p.nodes))
      warnings.push({ code: "empty_option", variant, message: "a spintax group has an empty option" });
    for (const name of variablesOf(p.nodes)) {
      if (!variables.includes(name)) variables.push(name);
      const bare = name.toLowerCase().startsWith("custom.") ? name.slice(7) : name;
      if (!known.has(name.toLowerCase()) && !known.has(bare.toLowerCase())) {
        warnings.push({
          code: "unknown_variable",
          variant,
          variable: name,
          message: `{{${name}}} is neither a built-in variable nor a custom field of your contacts`,
        });
      }
    }
    combinations.push(countCombinations(p.nodes));
  });

  const threshold = opts.similarityThreshold ?? 0.9;
  const skeletons = parsed.map((p) => skeleton(p.nodes));
  for (let i = 0; i < skeletons.length; i++) {
    for (let j = i + 1; j < skeletons.length; j++) {
      const sim = similarity(skeletons[i] ?? "", skeletons[j] ?? "");
      if (sim >= threshold) {
        warnings.push({
          code: "similar_variants",
          variant: j,
          other: i,
          similarity: Math.round(sim * 100) / 100,
          message: `variant ${j} is ${Math.round(sim * 100)}% alike variant ${i}: reword it so they differ`,
        });
      }
    }
  }

  for (const contact of opts.sampleContacts ?? []) {
    parsed.forEach((p, variant) => {
      const out = renderTemplate(p.nodes, contact, () => 0);
      for (const name of out.missing) {
        if (warnings.some((w) => w.code === "missing_value" && w.variable === name && w.variant === variant)) continue;
        // An unknown variable has no value for anyone and stops the campaign's start, fallback or not: "add a
        // fallback" beside "the campaign will refuse to start" sent people after the wrong fix.
        if (warnings.some((w) => w.code === "unknown_variable" && w.variable === name && w.variant === variant))
          continue;
        warnings.push({
          code: "missing_value",
          variant,
          variable: name,
          message: `{{${name}}} has no value for some contacts and no fallback (write {{${name}|…}})`,
        });
      }
      if (out.text.trim() === "" && !warnings.some((w) => w.code === "empty_result" && w.variant === variant)) {
        warnings.push({ code: "empty_result", variant, message: "renders to an empty message for some contacts" });
      }
    });
  }
  return { variables, combinations, warnings };
}

function hasEmptyOption(nodes: TemplateNode[]): boolean {
  return nodes.some(
    (n) =>
      (n.kind === "spin" && n.options.some((o) => o.length === 0 || hasEmptyOption(o))) ||
      (n.kind === "var" && n.fallback !== null && hasEmptyOption(n.fallback)),
  );
}

/** The text a variant reads as, for comparison: first spintax option, variables as placeholders, normalized. */
function skeleton(nodes: TemplateNode[]): string {
  let out = "";
  for (const n of nodes) {
    if (n.kind === "text") out += n.value;
    else if (n.kind === "var") out += " \u0000 ";
    else out += skeleton(n.options[0] ?? []);
  }
  return out
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[*_~`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Dice coefficient over character trigrams, in [0, 1]: linear in the text length, unlike edit distance. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const grams = (s: string) => {
    const m = new Map<string, number>();
    const padded = `  ${s} `;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = padded.slice(i, i + 3);
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let shared = 0;
  let total = 0;
  for (const [g, n] of ga) {
    shared += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 1 : (2 * shared) / total;
}
