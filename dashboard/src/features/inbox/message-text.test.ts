import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../../messages/en/inbox.json";
import { renderIntl } from "../../test/render-intl";
import { formatWhatsApp } from "../templates/whatsapp-format";
import { MessageText } from "./message-text";
import { QuoteBlock } from "./quote";

const html = (text: string) => renderIntl("en", en, createElement(MessageText, { text }));

describe("inbox: a message's text", () => {
  it("shows WhatsApp's formatting as the template preview does, not the markers", () => {
    expect(html("Olá, *São Paulo*!")).toBe(
      '<p class="whitespace-pre-wrap break-words">Olá, <strong>São Paulo</strong>!</p>',
    );
    const all = html("_itálico_ ~riscado~ ```code *not bold*```");
    expect(all).toContain("<em>itálico</em>");
    expect(all).toContain("<s>riscado</s>");
    expect(all).toContain('<code class="font-mono text-[0.92em]">code *not bold*</code>');
    // Not formatting: a lone asterisk, or markers inside a word, stay as typed.
    expect(html("2 * 3 = 6 and snake_case_name")).toContain("2 * 3 = 6 and snake_case_name");
  });

  it("is text, never HTML: markup in a message is escaped, inside formatting too", () => {
    const out = html('*<img src=x onerror="alert(1)">* <script>alert(2)</script>');
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<script");
    expect(out).toContain("<strong>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</strong>");
  });

  it("a long message full of formatting renders in one pass, and past 20,000 characters as written", () => {
    // 5,000 spans in 20,000 characters: formatted one after the other, not by recursion on the rest of the text.
    const spans = formatWhatsApp("*a* _b_ ".repeat(2_500));
    expect(spans.filter((n) => typeof n !== "string")).toHaveLength(5_000);
    // Longer than that (a message may have 65,536 characters), it is shown as written.
    expect(formatWhatsApp("*x* ".repeat(16_384))).toEqual(["*x* ".repeat(16_384)]);
    // Spans next to each other and text around them keep their order.
    expect(html("a *b* c _d_ e")).toBe(
      '<p class="whitespace-pre-wrap break-words">a <strong>b</strong> c <em>d</em> e</p>',
    );
  });

  it("a quoted message is formatted the same way", () => {
    const quote = renderIntl(
      "en",
      en,
      createElement(QuoteBlock, { quote: { waMessageId: "X", fromMe: true, text: "Oi *Ana*" }, peerName: null }),
    );
    expect(quote).toContain("Oi <strong>Ana</strong>");
    expect(quote).not.toContain("*Ana*");
  });
});
