import type { TImport } from "@mirage/contracts/imports";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../messages/en/audience.json";
import ptBR from "../../../messages/pt-BR/audience.json";
import { renderIntl } from "../../test/render-intl";
import { ImportFailure } from "./import-failure";

type Shown = Pick<TImport, "status" | "error" | "errorCode" | "counts">;
const render = (locale: string, messages: object, imp: Shown) =>
  renderIntl(locale, messages, createElement(ImportFailure, { imp }));
const counts = (imported: number, merged: number) => ({ rowsRead: imported + merged, imported, merged, rejected: 0 });

describe("a failed import's reason", () => {
  it("is worded from its code, saying which contacts stay, never the API's English sentence", () => {
    const failed: Shown = {
      status: "failed",
      error:
        "the uploader may no longer write contacts in this organization (after 120 contacts were imported and 3 merged; they stay)",
      errorCode: "may_not_write",
      counts: counts(120, 3),
    };
    const pt = render("pt-BR", ptBR, failed);
    expect(pt).toContain(
      "A importação parou: quem enviou o arquivo não pode mais adicionar contatos nesta organização.",
    );
    expect(pt).toContain("120 contatos foram importados e 3 mesclados antes de parar; eles ficam.");
    expect(pt).not.toContain("uploader");
    const nothingKept = render("en", en, { ...failed, errorCode: "no_rows", counts: counts(0, 0) });
    expect(nothingKept).toContain("The import stopped: the file has a header line and no rows.");
    expect(nothingKept).not.toContain("they stay");
  });

  it("an import failed before codes shows the API's sentence; one that did not fail shows nothing", () => {
    const old: Shown = { status: "failed", error: "import failed: boom", errorCode: null, counts: counts(0, 0) };
    expect(render("en", en, old)).toContain("The import stopped: import failed: boom");
    expect(render("en", en, { ...old, status: "completed", error: null })).toBe("");
  });
});
