import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { safeNext } from "../lib/safe-next";
import { CATALOGUE_FILES, loadCatalogue } from "./catalogue";
import { PAGE_NAMESPACES, pageMessages, rootMessages, SHARED_NAMESPACES } from "./client-messages";
import { negotiateLocale } from "./locales";

type Tree = { [k: string]: string | Tree };
const flatten = (t: Tree, prefix = ""): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
};
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();

// Words that are the same in both languages (product names, acronyms, loanwords Brazilian teams use as is).
const SAME_IN_BOTH = new Set(["Webhooks", "Worker", "URL", "IP", "Workers", "Admin"]);

describe("message catalogues", async () => {
  const en = await loadCatalogue("en");
  const ptBR = await loadCatalogue("pt-BR");
  const enMap = flatten(en as Tree);
  const ptMap = flatten(ptBR as Tree);

  it("every catalogue file exists in both locales and no namespace is defined twice", async () => {
    const dir = path.resolve(import.meta.dirname, "../../messages");
    for (const locale of ["en", "pt-BR"]) {
      const files = readdirSync(path.join(dir, locale))
        .map((f) => f.replace(/\.json$/, ""))
        .sort();
      expect(files).toEqual([...CATALOGUE_FILES].sort());
    }
  });

  it("the client namespace lists name existing namespaces; a page gets the shared ones plus its own", () => {
    for (const ns of [...SHARED_NAMESPACES, ...PAGE_NAMESPACES]) expect(Object.keys(en), ns).toContain(ns);
    const root = rootMessages(en);
    expect(Object.keys(root)).not.toContain("members");
    for (const ns of SHARED_NAMESPACES) expect(Object.keys(root)).toContain(ns);
    // Namespaces no page has scoped yet (other features' files) still reach every page.
    const unscoped = Object.keys(en).filter(
      (ns) =>
        !(PAGE_NAMESPACES as readonly string[]).includes(ns) && !(SHARED_NAMESPACES as readonly string[]).includes(ns),
    );
    for (const ns of unscoped) expect(Object.keys(root)).toContain(ns);
    const page = pageMessages(en, ["members"]);
    expect(Object.keys(page)).toEqual(expect.arrayContaining([...SHARED_NAMESPACES, "members"]));
    expect(Object.keys(page)).not.toContain("webhooks");
  });

  it("pt-BR has exactly the English keys", () => {
    expect([...ptMap.keys()].sort()).toEqual([...enMap.keys()].sort());
  });

  it("every pt-BR message is translated (not a copy of the English one) and keeps its placeholders", () => {
    const untranslated: string[] = [];
    for (const [key, value] of enMap) {
      const pt = ptMap.get(key) ?? "";
      if (pt.trim() === "") untranslated.push(`${key}: empty`);
      else if (pt === value && !SAME_IN_BOTH.has(value)) untranslated.push(`${key}: "${value}"`);
      expect(placeholders(pt), key).toEqual(placeholders(value));
    }
    expect(untranslated).toEqual([]);
  });
});

describe("locale negotiation", () => {
  it("takes the browser's preference, any Portuguese becomes pt-BR, anything else English", () => {
    expect(negotiateLocale("pt-BR,pt;q=0.9,en;q=0.8")).toBe("pt-BR");
    expect(negotiateLocale("pt-PT")).toBe("pt-BR");
    expect(negotiateLocale("en-US,en;q=0.9")).toBe("en");
    expect(negotiateLocale("de-DE,en;q=0.5,pt;q=0.7")).toBe("pt-BR");
    expect(negotiateLocale("fr")).toBe("en");
    expect(negotiateLocale(null)).toBe("en");
  });
});

describe("return path after sign-in", () => {
  it("keeps same-site paths and refuses other sites", () => {
    expect(safeNext("/settings/audit?x=1")).toBe("/settings/audit?x=1");
    expect(safeNext("https://evil.example/")).toBe("/overview");
    expect(safeNext("//evil.example")).toBe("/overview");
    expect(safeNext("/\\evil.example")).toBe("/overview");
    expect(safeNext(null)).toBe("/overview");
  });
});
