import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../../messages/en/campaigns.json";
import ptBR from "../../../../messages/pt-BR/campaigns.json";
import { renderIntl } from "../../../test/render-intl";
import { emptyDraft } from "./draft";
import { ReviewWhen } from "./review-when";

const render = (locale: string, messages: object, draft: ReturnType<typeof emptyDraft>) =>
  renderIntl(locale, messages, createElement(ReviewWhen, { draft }));

describe("campaign wizard: the review's When", () => {
  it("says the start and the end chosen, on the campaign's clock, with the windows and quiet hours", () => {
    const draft = {
      ...emptyDraft("America/Sao_Paulo"),
      anyTime: true,
      startsAt: "2026-12-14T09:30",
      endsAt: "2026-12-18T18:00",
    };
    const html = render("en", en, draft);
    expect(html).toContain("Starts Dec 14, 2026, 9:30");
    expect(html).toContain("ends Dec 18, 2026, 6:00");
    expect(html).toContain("(America/Sao Paulo time)");
    expect(html).toContain("Any time (America/Sao Paulo)");
    expect(html).toContain("quiet hours 21:00–08:00");
    const pt = render("pt-BR", ptBR, draft);
    expect(pt).toContain("Começa em 14 de dez. de 2026, 09:30");
    expect(pt).toContain("termina em 18 de dez. de 2026, 18:00");
  });

  it("without a start, says it starts when Start is pressed, and names no end when there is none", () => {
    const html = render("en", en, emptyDraft("UTC"));
    expect(html).toContain("Starts when you press Start");
    expect(html).not.toContain("ends ");
    expect(render("pt-BR", ptBR, emptyDraft("UTC"))).toContain("Começa quando você clicar em Iniciar");
  });
});
