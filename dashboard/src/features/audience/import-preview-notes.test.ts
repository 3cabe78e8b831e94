import type { TImportPreviewWarning } from "@mirage/contracts/import-preview";
import { createTranslator } from "next-intl";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../messages/en/audience.json";
import ptBR from "../../../messages/pt-BR/audience.json";
import { renderIntl } from "../../test/render-intl";
import { ImportPreviewNotes, ImportPreviewProblem, ImportPreviewWarnings } from "./import-preview-notes";

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

describe("an import preview's doubts about a row", () => {
  const doubts: TImportPreviewWarning[] = [
    {
      code: "number_unlikely",
      column: "Celular",
      raw: "98888-0007",
      phone: "+55988880007",
      country: "BR",
      reason: "not a valid BR number: check the area code and the digit count",
    },
    { code: "renames_contact", raw: "+5511988880002", currentName: "Ana Souza", newName: "Júlia Alves" },
  ];

  it("words a number stored though not valid with how it is read, and a rename with both names", () => {
    const english = render("en", en, doubts);
    expect(english).toContain(
      "“98888-0007” is read as +55988880007, which is not a valid BR number: check the area code and the digit count.",
    );
    expect(english).toContain(
      "+5511988880002 is already your contact “Ana Souza”: importing this row renames it to “Júlia Alves”.",
    );
    const portuguese = render("pt-BR", ptBR, doubts);
    expect(portuguese).toContain(
      "“98888-0007” é lido como +55988880007, que não é um número válido de BR: confira o DDD",
    );
    expect(portuguese).toContain(
      "já é o seu contato “Ana Souza”: importar esta linha muda o nome dele para “Júlia Alves”.",
    );
    // A calling code shared by several countries: no country to name.
    const shared = render("en", en, [
      { ...(doubts[0] as TImportPreviewWarning & { code: "number_unlikely" }), country: null },
    ]);
    expect(shared).toContain("which is not a valid number in its country:");
  });

  it("counts them above the rows, in the singular and the plural, and says nothing when there are none", () => {
    const notes = (unlikelyNumbers: number, renamedContacts: number, locale = "en", messages: object = en) =>
      inLocale(locale, messages, createElement(ImportPreviewNotes, { preview: { unlikelyNumbers, renamedContacts } }));
    expect(notes(1, 0)).toContain("1 number is not valid for its country");
    expect(notes(2, 1)).toContain("2 numbers are not valid for their country");
    expect(notes(2, 1)).toContain("1 row has the number of a contact you already have and will change its name.");
    expect(notes(0, 3)).toContain("3 rows have the numbers of contacts you already have");
    expect(notes(0, 3)).not.toContain("not valid");
    expect(notes(1, 1, "pt-BR", ptBR)).toContain("1 número não é válido no país dele");
    expect(notes(1, 1, "pt-BR", ptBR)).toContain("1 linha tem o número de um contato que você já tem");
    expect(notes(0, 0)).toBe("");
  });
});

describe("the preview's title", () => {
  it("agrees with the number of rows (a one-row file read 'First 1 rows')", () => {
    const title = (locale: string, messages: Record<string, unknown>, count: number, stored: number) =>
      createTranslator({ locale, messages: messages as never, namespace: "importWizard" as never })(
        "previewTitle" as never,
        { count, stored } as never,
      );
    expect(title("en", en, 1, 1)).toBe("The first row as it will be stored (1 accepted)");
    expect(title("en", en, 20, 18)).toBe("The first 20 rows as they will be stored (18 accepted)");
    expect(title("pt-BR", ptBR, 1, 1)).toBe("A primeira linha como será gravada (1 aceita)");
    expect(title("pt-BR", ptBR, 3, 0)).toBe("As primeiras 3 linhas como serão gravadas (nenhuma aceita)");
  });
});
