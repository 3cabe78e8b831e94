import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../messages/en/audience.json";
import ptBR from "../../../messages/pt-BR/audience.json";
import { renderIntl } from "../../test/render-intl";
import { ContactOptOutBanner, optOutBannerKind } from "./contact-opt-out-banner";

const render = (messages: object, contact: { blacklisted: boolean; optedOutAt: string | null }) =>
  renderIntl("en", messages, createElement(ContactOptOutBanner, { contact }));

describe("a contact's opt-out banner", () => {
  it("says a blacklisted contact is on the blacklist, even when its consent says nothing", () => {
    expect(optOutBannerKind({ blacklisted: true, optedOutAt: null })).toBe("blacklisted");
    expect(optOutBannerKind({ blacklisted: true, optedOutAt: "2026-11-30T10:00:00Z" })).toBe("blacklisted");
    expect(optOutBannerKind({ blacklisted: false, optedOutAt: "2026-11-30T10:00:00Z" })).toBe("optedOut");
    expect(optOutBannerKind({ blacklisted: false, optedOutAt: null })).toBeNull();
    expect(render(en, { blacklisted: true, optedOutAt: null })).toContain("Opted out — on the blacklist.");
    expect(render(ptBR, { blacklisted: true, optedOutAt: null })).toContain("Pediu para sair — na lista de bloqueio.");
    expect(render(en, { blacklisted: false, optedOutAt: null })).toBe("");
  });
});
