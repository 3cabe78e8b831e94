import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RecipientCell } from "./recipient-cell";

describe("campaign review: who a send goes to", () => {
  it("the contact's name with its number, the number alone without a name", () => {
    const named = renderToStaticMarkup(createElement(RecipientCell, { name: "Ana Souza", phone: "+5511987654321" }));
    expect(named).toContain("Ana Souza");
    expect(named).toContain("+5511987654321");
    const bare = renderToStaticMarkup(createElement(RecipientCell, { name: null, phone: "+5511987654321" }));
    expect(bare).toBe('<span class="tabular-nums">+5511987654321</span>');
  });
});
