import type { TBlacklistImportResponse } from "@mirage/contracts/blacklist";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../messages/en/audience.json";
import ptBR from "../../../messages/pt-BR/audience.json";
import { renderIntl } from "../../test/render-intl";
import { BlacklistRejections } from "./blacklist-rejections";

const render = (locale: string, messages: object, rejected: TBlacklistImportResponse["rejected"]) =>
  renderIntl(locale, messages, createElement(BlacklistRejections, { rejected }));

// As the API answers them: `reason` in English, `code` for the client to word.
const rejected: TBlacklistImportResponse["rejected"] = [
  { line: 4, raw: "abc", reason: "the phone number is not written as a number", code: "not_a_number" },
  { line: 6, raw: "lid-errado", reason: "not a WhatsApp LID (digits@lid)", code: "not_a_lid" },
  { line: 7, raw: null, reason: "no phone number or LID", code: "no_phone_or_lid" },
];

describe("a blacklist file's refused lines", () => {
  it("are worded from their code in Portuguese, never the API's English reason", () => {
    const html = render("pt-BR", ptBR, rejected);
    expect(html).toContain("3 linhas não foram importadas");
    expect(html).toContain("Linha 4: abc — não está escrito como número de telefone");
    expect(html).toContain("Linha 6: lid-errado — não é um LID do WhatsApp");
    // No value to quote: the line and why, without an empty "—".
    expect(html).toContain("Linha 7: nenhum número de telefone ou LID nesta linha");
    for (const r of rejected) expect(html).not.toContain(r.reason);
  });

  it("in English too; nothing at all when every line was blocked", () => {
    const html = render("en", en, rejected);
    expect(html).toContain("Line 4: abc — not written as a phone number");
    expect(html).toContain("Line 7: no phone number or LID in this line");
    expect(render("en", en, [])).toBe("");
  });
});
