import { readdirSync } from "node:fs";
import path from "node:path";
import { ZBlacklistRejectionCode } from "@mirage/contracts/blacklist";
import { ZStartRefusal } from "@mirage/contracts/campaign-checks";
import { ZMessageState } from "@mirage/contracts/enums";
import { ZErrorCode, ZSendRefusalCode } from "@mirage/contracts/errors";
import { ZImportMappingProblemCode, ZImportPreviewWarning } from "@mirage/contracts/import-preview";
import { ZFileRefusalCode, ZImportFailureCode, ZImportRejectionCode } from "@mirage/contracts/imports";
import { ZWebhookEventType } from "@mirage/contracts/webhooks";
import { PHONE_LINE_TYPES } from "@mirage/phone";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, AUDIT_TARGETS, labelKey } from "../features/settings/labels";
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

type Arg = { name: string; type: string | null; selectors: string[] };
/**
 * The arguments of an ICU message ({n}, {count, plural, =0 {…} one {…} other {…}}), nested ones included, with
 * their plural/select branches' selectors. Branch texts are messages, not arguments (`=0 {nobody}`).
 */
function icuArgs(message: string): Arg[] {
  const out: Arg[] = [];
  let i = 0;
  const text = (): void => {
    while (i < message.length && message[i] !== "}") {
      if (message[i] === "'") {
        const end = message.indexOf("'", i + 1);
        i = end < 0 ? message.length : end + 1;
      } else if (message[i] === "{") argument();
      else i++;
    }
  };
  const argument = (): void => {
    i++; // {
    const head = /^\s*(\w+)\s*(?:,\s*(\w+)\s*)?/.exec(message.slice(i)) ?? ["", ""];
    i += head[0].length;
    const arg: Arg = { name: head[1] ?? "", type: head[2] ?? null, selectors: [] };
    out.push(arg);
    if (message[i] === ",") {
      i++;
      if (arg.type === "plural" || arg.type === "select" || arg.type === "selectordinal") {
        while (i < message.length && message[i] !== "}") {
          const sel = /^\s*(offset:\d+\s*)?([=\w]+)\s*\{/.exec(message.slice(i));
          if (!sel) break;
          arg.selectors.push(sel[2] ?? "");
          i += sel[0].length;
          text();
          i++; // } of the branch
          while (/\s/.test(message[i] ?? "")) i++;
        }
      } else {
        while (i < message.length && message[i] !== "}") i++; // a style: {n, number, ::percent}
      }
    }
    i++; // }
  };
  text();
  return out;
}
const placeholders = (s: string) =>
  icuArgs(s)
    .map((a) => a.name)
    .sort();

// Words that are the same in both languages (product names, acronyms, loanwords Brazilian teams use as is).
const SAME_IN_BOTH = new Set(["Webhooks", "Webhook", "URL", "IP", "Admin"]);

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

  it("audit actions and targets and webhook events have labels (the id stays visible beside them)", () => {
    const ids = [
      ...AUDIT_ACTIONS.map((a) => `audit.actions.${labelKey(a)}`),
      ...AUDIT_TARGETS.map((a) => `audit.targets.${labelKey(a)}`),
      ...ZWebhookEventType.options.map((e) => `webhooks.eventNames.${labelKey(e)}`),
      // An import preview's refused row, worded by its code (the API's reason is English; pt-BR showed it as is).
      ...ZImportRejectionCode.options.map((c) => `importWizard.rejectionReason.${c}`),
      // A preview row's warnings and a blacklist file's refused lines, worded by their codes as well.
      ...ZImportPreviewWarning.options.map((w) => `importWizard.warnings.${w.shape.code.value}`),
      ...ZImportMappingProblemCode.options.map((c) => `importWizard.problems.${c}`),
      ...ZImportFailureCode.options.map((c) => `importWizard.failure.${c}`),
      // A refused upload's reasonCode (the file, or the mapping the upload would use).
      ...[...ZFileRefusalCode.options, ...ZImportMappingProblemCode.options].map((c) => `errors.refusals.${c}`),
      // A refused send, inbox reply, reaction or note (pt-BR showed the API's English reason under the title).
      ...ZSendRefusalCode.options.map((c) => `errors.refusals.${c}`),
      ...ZBlacklistRejectionCode.options.map((c) => `blacklist.rejectionReason.${c}`),
      // Why a campaign cannot start, on the wizard's review step (a code without words showed the API's English).
      ...ZStartRefusal.options.map((c) => `campaignWizard.review.refusal.${c}`),
      // A contact's campaigns show the furthest state their messages reached (pt-BR showed "queued" as is).
      ...ZMessageState.options.map((s) => `contactPage.messageState.${s}`),
      // A contact's number shows its line type (pt-BR showed "mobile" as is).
      ...PHONE_LINE_TYPES.map((l) => `contactPage.lineType.${l}`),
      // Every error code the API answers: one without a sentence was titled "something went wrong on our side"
      // (an invalid campaign state, a number that cannot send, a file too large).
      ...ZErrorCode.options.map((c) => `errors.${c}`),
    ];
    expect(ids.filter((k) => !enMap.has(k))).toEqual([]);
    expect(labelKey("list.members.add")).toBe("list_members_add");
    expect(labelKey("message:status")).toBe("message_status");
  });

  it("an API key scope's help names the personal data and the inbox it opens (the routes' scopes, orchestrator/src)", () => {
    // `read` also reads contacts, conversations and templates (contacts.routes.ts, conversations.routes.ts);
    // `messages:send` works the inbox; `campaigns` writes contacts, lists, templates and the blacklist. The help said
    // "Read numbers, messages and campaigns" for a key that hands out every contact's number.
    const help = (locale: Map<string, string>, scope: string) => locale.get(`apiKeys.scopeHelp.${scope}`) ?? "";
    expect(help(enMap, "read")).toMatch(/contacts.*conversations/);
    expect(help(ptMap, "read")).toMatch(/contatos.*conversas/);
    expect(help(enMap, "send")).toMatch(/inbox/);
    expect(help(ptMap, "send")).toMatch(/caixa de entrada/);
    expect(help(enMap, "campaigns")).toMatch(/contacts, lists, templates and the blacklist/);
    expect(help(ptMap, "campaigns")).toMatch(/contatos, listas, modelos e a lista de bloqueio/);
  });

  it('a Portuguese count says zero in its own words: pt\'s `one` covers 0 too ("0 pessoa respondeu")', () => {
    expect(icuArgs("{count, plural, =0 {ninguém} one {# pessoa} other {{n} pessoas}}")).toEqual([
      { name: "count", type: "plural", selectors: ["=0", "one", "other"] },
      { name: "n", type: null, selectors: [] },
    ]);
    const missing = [...ptMap]
      .filter(([, v]) =>
        icuArgs(v).some((a) => a.type === "plural" && a.selectors.includes("one") && !a.selectors.includes("=0")),
      )
      .map(([k]) => k);
    expect(missing).toEqual([]);
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
