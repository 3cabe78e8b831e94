import type { TImport } from "@mirage/contracts/imports";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../messages/en/audience.json";
import ptBR from "../../../messages/pt-BR/audience.json";
import { renderIntl } from "../../test/render-intl";
import { ImportReportedLines, ImportWarningLines } from "./import-reported-lines";

type Shown = Pick<TImport, "counts" | "errors">;
const render = (locale: string, messages: object, imp: Shown) =>
  renderIntl(locale, messages, createElement(ImportReportedLines, { imp }));
const dropped = { line: 2, column: "Celular", raw: "1234", reason: "too short", code: "extra_number_dropped" } as const;
const rejected = { line: 5, column: "Telefone", raw: "abc", reason: "not a number", code: "not_a_number" } as const;
const counts = (rejectedRows: number) => ({ rowsRead: 3, imported: 2, merged: 1, rejected: rejectedRows });

describe("an import's reported lines", () => {
  it("a file whose only report is a number left out is not titled 'no rejected rows'", () => {
    const imp = { counts: counts(0), errors: [dropped] } as Shown;
    const pt = render("pt-BR", ptBR, imp);
    expect(pt).toContain("1 número deixado de fora");
    expect(pt).not.toContain("Nenhuma linha rejeitada");
    const en_ = render("en", en, imp);
    expect(en_).toContain("1 number left out");
    expect(en_).not.toContain("0 rejected rows");
  });

  it("says both when rows were rejected and numbers left out", () => {
    const imp = { counts: counts(1), errors: [dropped, rejected] } as Shown;
    expect(render("en", en, imp)).toContain("1 rejected row · 1 number left out");
    expect(render("pt-BR", ptBR, imp)).toContain("1 linha rejeitada · 1 número deixado de fora");
    expect(render("en", en, { counts: counts(1), errors: [rejected] } as Shown)).toContain(">1 rejected row<");
  });
});

describe("an import's warnings", () => {
  const warning = {
    line: 3,
    column: "Celular",
    raw: "98888-0007",
    reason: "the phone number was read as +55988880007, not a valid BR number: check the area code and the digit count",
    code: "number_unlikely",
  } as const;
  const show = (locale: string, messages: object, warnings: TImport["warnings"], warningCount = warnings.length) =>
    renderIntl(locale, messages, createElement(ImportWarningLines, { imp: { warningCount, warnings } }));

  it("lists each number imported with a warning, with its line and as written, worded in the reader's language", () => {
    const english = show("en", en, [warning]);
    expect(english).toContain("1 number imported with a warning");
    expect(english).toContain("98888-0007");
    expect(english).toContain("not a valid number for its country (check the area code and the digit count)");
    expect(english).not.toContain("the CSV has all");
    const pt = show("pt-BR", ptBR, [warning], 150);
    expect(pt).toContain("150 números importados com aviso");
    expect(pt).toContain("não é um número válido no país dele");
    expect(pt).toContain("Só as primeiras linhas aparecem aqui; o CSV tem todas.");
  });
});
