import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "./catalogue";
import { PAGE_NAMESPACES, SHARED_NAMESPACES } from "./client-messages";

/**
 * Every page and layout gives its client components the message namespaces they use (see client-messages.tsx): a
 * component's `useTranslations("x")` with "x" in PAGE_NAMESPACES needs every page that renders it to list "x" in its
 * `<ClientMessages namespaces={[…]}>`, or the browser logs MISSING_MESSAGE and shows the key.
 *
 * What a page renders is read from the sources: the modules it imports, statically or with `import()` (next/dynamic,
 * lazy), transitively, within src/. A module counts as a whole (every `useTranslations` in it), so a page that imports
 * one component of a module gets the namespaces of its neighbours too: keep modules that several features import
 * small, or accept the few extra messages. Type-only imports bring no code and are not followed.
 */

const SRC = path.resolve(import.meta.dirname, "..");
const APP = path.join(SRC, "app");
const rel = (file: string) => path.relative(path.resolve(SRC, ".."), file);

/** Files whose `useTranslations` takes a namespace computed at run time, with every namespace it can be. */
const COMPUTED_NAMESPACES: Record<string, string[]> = {
  "src/features/audience/collection-table.tsx": ["lists", "segments"],
};

type Scan = {
  imports: string[];
  /** Literal `useTranslations("ns.sub")` calls: their first segment. */
  namespaces: string[];
  computed: boolean;
  /** `<ClientMessages namespaces={[…]}>` in this file. */
  provides: string[];
};

const scans = new Map<string, Scan>();

function resolve(spec: string, from: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(SRC, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null; // a package: its messages are not ours
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")])
    if (existsSync(c) && statSync(c).isFile()) return c;
  throw new Error(`${rel(from)}: cannot resolve "${spec}"`);
}

function scan(file: string): Scan {
  const cached = scans.get(file);
  if (cached) return cached;
  const text = readFileSync(file, "utf8");
  const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: Scan = { imports: [], namespaces: [], computed: false, provides: [] };
  const addImport = (spec: string) => {
    const target = resolve(spec, file);
    if (target && /\.tsx?$/.test(target)) out.imports.push(target);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier))
      addImport(node.moduleSpecifier.text);
    else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      addImport(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword && arg && ts.isStringLiteralLike(arg))
        addImport(arg.text);
      else if (ts.isIdentifier(node.expression) && node.expression.text === "useTranslations") {
        if (arg && ts.isStringLiteralLike(arg)) out.namespaces.push(arg.text.split(".")[0] ?? "");
        else out.computed = true;
      }
    } else if (
      ts.isJsxAttribute(node) &&
      node.name.getText(sf) === "namespaces" &&
      ts.isJsxOpeningLikeElement(node.parent.parent) &&
      node.parent.parent.tagName.getText(sf) === "ClientMessages"
    ) {
      const value = node.initializer;
      const list = value && ts.isJsxExpression(value) ? value.expression : undefined;
      if (!list || !ts.isArrayLiteralExpression(list)) throw new Error(`${rel(file)}: namespaces must be an array`);
      for (const e of list.elements) {
        if (!ts.isStringLiteralLike(e)) throw new Error(`${rel(file)}: namespaces must be string literals`);
        out.provides.push(e.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  scans.set(file, out);
  return out;
}

/** Every module `entry` brings in (itself included). */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const f = stack.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...scan(f).imports);
  }
  return [...seen];
}

function namespacesOf(file: string): string[] {
  const s = scan(file);
  return [...s.namespaces, ...(s.computed ? (COMPUTED_NAMESPACES[rel(file)] ?? []) : [])];
}

/** Next's route files under src/app that render (route handlers do not). */
function entries(dir = APP): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...entries(p));
    else if (/^(page|layout|template|loading|error|not-found|default)\.tsx$/.test(name)) out.push(p);
  }
  return out;
}

describe("message namespaces of pages", async () => {
  const all = Object.keys(await loadCatalogue("en"));
  const scoped = new Set<string>(PAGE_NAMESPACES);
  // What reaches a page without asking: the shared namespaces and every namespace no page has scoped yet.
  const everywhere = new Set<string>([...SHARED_NAMESPACES, ...all.filter((ns) => !scoped.has(ns))]);
  const pages = entries();

  it("finds the pages and the components they render", () => {
    expect(pages.map(rel)).toEqual(
      expect.arrayContaining([
        "src/app/layout.tsx",
        "src/app/(app)/campaigns/[id]/page.tsx",
        "src/app/(app)/campaigns/new/page.tsx",
        "src/app/(app)/overview/page.tsx",
      ]),
    );
    // next/dynamic imports are followed: the campaign page loads the live view and the wizard on demand.
    const campaign = closure(path.join(APP, "(app)/campaigns/[id]/page.tsx")).map(rel);
    expect(campaign).toContain("src/features/campaigns/live/sender-table.tsx");
    expect(campaign).toContain("src/features/instances/status.tsx");
    expect(namespacesOf(path.join(SRC, "features/instances/status.tsx"))).toContain("instances");
  });

  it("every useTranslations names a namespace of the catalogue; computed ones are declared here", () => {
    const files = [...new Set(pages.flatMap(closure))];
    const unknown = files.flatMap((f) =>
      namespacesOf(f)
        .filter((ns) => !all.includes(ns))
        .map((ns) => `${rel(f)}: ${ns}`),
    );
    expect(unknown).toEqual([]);
    const computed = files.filter((f) => scan(f).computed).map(rel);
    expect(computed.sort()).toEqual(Object.keys(COMPUTED_NAMESPACES).sort());
  });

  it.each(pages.map((p) => [rel(p), p]))("%s gives its components every namespace they use", (_, page) => {
    const provides = new Set(scan(page).provides);
    const provided = new Set([...everywhere, ...provides]);
    const missing: string[] = [];
    const used = new Set<string>();
    for (const f of closure(page))
      for (const ns of namespacesOf(f)) {
        used.add(ns);
        if (!provided.has(ns)) missing.push(`${ns} (${rel(f)})`);
      }
    expect([...new Set(missing)], "add these to the page's <ClientMessages namespaces>").toEqual([]);
    // And no more than they use: every listed namespace travels in the page's payload.
    expect([...provides].filter((ns) => !used.has(ns))).toEqual([]);
  });
});
