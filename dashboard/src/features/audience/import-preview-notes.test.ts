import type { TImportPreviewWarning } from "@mirage/contracts/imports";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../messages/en/audience.json";
import ptBR from "../../../messages/pt-BR/audience.json";
import { renderIntl } from "../../test/render-intl";
import { ImportPreviewProblem, ImportPreviewWarnings } from "./import-preview-notes";

const inLocale = renderIntl;
const render = (locale: string, messages: object, warnings: TImportPreviewWarning[]) =>
  inLocale(locale, messages, createElement(ImportPreviewWarnings, { warnings }));

const warnings: TImportPreviewWarning[] = [
  { code: "extra_number_dropped", column: "Celular", raw: "1234", cause: "too_short" },
  { code: "duplicate_number", raw: "+5511988880001", firstLine: 2 },
];

describe("an import preview row's warnings", () => {
  it("words a dropped number with its cause and a repeated number with the line it merges into, in each language", () => {
    const english = render("en", en, warnings);
    expect(english).toContain("“1234” will be left out: the number is too short.");
    expect(english).toContain("Same number as line 2 (+5511988880001): this row will be merged into that contact");
    const portuguese = render("pt-BR", ptBR, warnings);
    expect(portuguese).toContain("“1234” ficará de fora: o número é curto demais.");
    expect(portuguese).toContain("Mesmo número da linha 2 (+5511988880001): esta linha será mesclada àquele contato");
    expect(portuguese).not.toContain("Same number");
  });

  it("shows nothing for a row stored as written", () => {
    expect(render("en", en, [])).toBe("");
  });
});

describe("an import preview's mapping problem", () => {
  it("is worded from its code, naming the missing columns, never the API's English sentence", () => {
    const missing = createElement(ImportPreviewProblem, {
      preview: { problemCode: "missing_columns", missingColumns: ["Observações", "Nome"] },
    });
    expect(inLocale("pt-BR", ptBR, missing)).toContain("O arquivo não tem estas colunas: “Observações”, “Nome”.");
    expect(inLocale("en", en, missing)).toContain("The file has none of these columns: “Observações”, “Nome”.");
    const noPhone = createElement(ImportPreviewProblem, {
      preview: { problemCode: "no_phone_column", missingColumns: [] },
    });
    expect(inLocale("pt-BR", ptBR, noPhone)).toContain("Nenhuma coluna parece ter números de telefone");
    const none = createElement(ImportPreviewProblem, { preview: { problemCode: null, missingColumns: [] } });
    expect(inLocale("en", en, none)).toBe("");
  });
});
