import { describe, expect, it } from "vitest";
import ptBR from "../../../messages/pt-BR/audience.json";
import { localizeErrorsCsv } from "./import-errors-csv";

const reasons = ptBR.importWizard.rejectionReason as Record<string, string>;
const words = {
  headers: { line: "Linha", column: "Coluna", raw: "Valor", reason: "Motivo", code: "Código" },
  reason: (code: string) => reasons[code],
};
// As the API writes it: BOM, CRLF, a value with a comma, quotes and a line break, and a code the catalog lacks.
const api =
  "\uFEFFline,column,raw,reason,code\r\n" +
  "7,Celular,abc,the phone number is not written as a number,not_a_number\r\n" +
  '9,Telefone,"12, ""ramal""\n3",the phone number is too short (too few digits for a phone number),too_short\r\n' +
  "11,Celular,x,something new,brand_new_code\r\n";

describe("the rejected-lines CSV in the reader's language", () => {
  it("translates the headers and each known reason, keeps values, codes and unknown reasons", () => {
    const out = localizeErrorsCsv(api, words);
    expect(out.startsWith("\uFEFFLinha,Coluna,Valor,Motivo,Código\r\n")).toBe(true);
    expect(out).toContain(`7,Celular,abc,${reasons.not_a_number},not_a_number\r\n`);
    expect(out).toContain(`9,Telefone,"12, ""ramal""\n3",${reasons.too_short},too_short\r\n`);
    expect(out).toContain("11,Celular,x,something new,brand_new_code\r\n");
    expect(reasons.not_a_number).not.toMatch(/number/);
  });

  it("leaves a file it does not recognise as it came", () => {
    const other = "a,b\r\n1,2\r\n";
    expect(localizeErrorsCsv(other, words)).toBe(other);
  });
});
