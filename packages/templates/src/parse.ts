/**
 * The template syntax, parsed once into a tree:
 * - `{{first_name}}`, `{{first_name|cliente}}` — a variable with an optional fallback (the fallback may itself hold
 *   spintax: `{{first_name|{amigo|amiga}}}`); `{{custom.cidade}}` or just `{{cidade}}` reads a custom field;
 * - `{Olá|Oi|{Bom dia|Boa tarde}}` — spintax, nested to any depth, one option chosen per rendering;
 * - everything else is literal, so WhatsApp formatting (`*bold*`, `_italic_`, `~strike~`, ``` ```mono``` ```) and
 *   emoji pass through exactly as written. A brace that opens nothing (`{` without `|` or a closing `}`) is literal
 *   too, and reported.
 */

export type TemplateNode =
  | { kind: "text"; value: string }
  | { kind: "var"; name: string; fallback: TemplateNode[] | null; raw: string }
  | { kind: "spin"; options: TemplateNode[][] };

export type ParseIssue = { code: "unclosed_variable" | "unclosed_spintax" | "empty_variable"; at: number };

export type ParsedTemplate = { nodes: TemplateNode[]; issues: ParseIssue[] };

const VAR_NAME = /^[\p{L}\p{N}_.\- ]{1,64}$/u;

/** Parses template text (never throws: malformed parts become literal text and an issue). */
export function parseTemplate(source: string): ParsedTemplate {
  const issues: ParseIssue[] = [];
  const [nodes] = parseSeq(source, 0, "top", issues);
  return { nodes: mergeText(nodes), issues };
}

type Ctx = "top" | "spin" | "fallback";

/** Parses until the context's terminator; returns nodes, the index after them, and the terminator met (if any). */
function parseSeq(src: string, start: number, ctx: Ctx, issues: ParseIssue[]): [TemplateNode[], number, string] {
  const out: TemplateNode[] = [];
  let i = start;
  let text = "";
  const flush = () => {
    if (text) out.push({ kind: "text", value: text });
    text = "";
  };
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === "{" && src[i + 1] === "{") {
      const parsed = parseVariable(src, i, issues);
      if (parsed) {
        flush();
        out.push(parsed[0]);
        i = parsed[1];
        continue;
      }
      text += "{{";
      i += 2;
      continue;
    }
    if (ch === "{") {
      const parsed = parseSpin(src, i, issues);
      if (parsed) {
        flush();
        out.push(parsed[0]);
        i = parsed[1];
        continue;
      }
      text += "{";
      i += 1;
      continue;
    }
    if (ctx === "spin" && (ch === "|" || ch === "}")) {
      flush();
      return [out, i + 1, ch];
    }
    if (ctx === "fallback" && ch === "}" && src[i + 1] === "}") {
      flush();
      return [out, i + 2, "}}"];
    }
    text += ch;
    i += 1;
  }
  flush();
  return [out, i, ""];
}

function parseVariable(src: string, start: number, issues: ParseIssue[]): [TemplateNode, number] | null {
  const close = src.indexOf("}}", start + 2);
  const pipe = src.indexOf("|", start + 2);
  const nameEnd = pipe !== -1 && (close === -1 || pipe < close) ? pipe : close;
  if (nameEnd === -1) {
    issues.push({ code: "unclosed_variable", at: start });
    return null;
  }
  const name = src.slice(start + 2, nameEnd).trim();
  if (name === "") {
    issues.push({ code: "empty_variable", at: start });
    return null;
  }
  if (!VAR_NAME.test(name)) return null;
  if (nameEnd === close) return [{ kind: "var", name, fallback: null, raw: src.slice(start, close + 2) }, close + 2];
  const [fallback, end, term] = parseSeq(src, pipe + 1, "fallback", issues);
  if (term !== "}}") {
    issues.push({ code: "unclosed_variable", at: start });
    return null;
  }
  return [{ kind: "var", name, fallback: mergeText(fallback), raw: src.slice(start, end) }, end];
}

function parseSpin(src: string, start: number, issues: ParseIssue[]): [TemplateNode, number] | null {
  const options: TemplateNode[][] = [];
  let i = start + 1;
  for (;;) {
    const scratch: ParseIssue[] = [];
    const [nodes, next, term] = parseSeq(src, i, "spin", scratch);
    if (term === "") {
      issues.push({ code: "unclosed_spintax", at: start });
      return null;
    }
    issues.push(...scratch);
    options.push(mergeText(nodes));
    i = next;
    if (term === "}") break;
  }
  // `{word}` with no alternative is not spintax: keep the braces as written.
  if (options.length < 2) return null;
  return [{ kind: "spin", options }, i];
}

function mergeText(nodes: TemplateNode[]): TemplateNode[] {
  const out: TemplateNode[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (n.kind === "text" && last?.kind === "text") last.value += n.value;
    else out.push(n.kind === "text" ? { ...n } : n);
  }
  return out;
}

/** Number of distinct spintax paths through the nodes (capped at 1e9 to stay a safe integer). */
export function countCombinations(nodes: TemplateNode[]): number {
  let total = 1;
  for (const n of nodes) {
    if (n.kind === "spin") total *= n.options.reduce((sum, o) => sum + countCombinations(o), 0);
    if (total > 1e9) return 1e9;
  }
  return total;
}

/** Every variable name used, fallbacks included, in first-seen order. */
export function variablesOf(nodes: TemplateNode[], into: string[] = []): string[] {
  for (const n of nodes) {
    if (n.kind === "var") {
      if (!into.includes(n.name)) into.push(n.name);
      if (n.fallback) variablesOf(n.fallback, into);
    } else if (n.kind === "spin") for (const o of n.options) variablesOf(o, into);
  }
  return into;
}
