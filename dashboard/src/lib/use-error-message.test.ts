import { createElement } from "react";
import { describe, expect, it } from "vitest";
import en from "../../messages/en/core.json";
import ptBR from "../../messages/pt-BR/core.json";
import { ErrorBox } from "../components/page-parts";
import { renderIntl } from "../test/render-intl";
import { ApiError } from "./api";

const render = (locale: string, messages: object, error: unknown) =>
  renderIntl(locale, messages, createElement(ErrorBox, { error }));
const refused = (code: string, detail: string, reasonCode?: string) =>
  new ApiError(415, code, detail, { code: code as "bad_request", detail, ...(reasonCode ? { reasonCode } : {}) });

describe("an error's words", () => {
  it("a refused upload is worded from its reasonCode in the user's language, not the API's English detail", () => {
    const detail = "the file is a ZIP archive (an .xlsx or .ods workbook?): save the sheet as CSV first";
    const html = render("pt-BR", ptBR, refused("unsupported_media_type", detail, "file_workbook"));
    // One message, the helpful one: not the generic line for the 415 before it.
    expect(html).not.toContain("O servidor não aceita esse tipo de conteúdo.");
    expect(html).toContain("Este arquivo é uma planilha (.xlsx, .xls ou .ods).");
    expect(html.match(/<p/g)).toHaveLength(1);
    expect(html).not.toContain("ZIP archive");
    expect(render("en", en, refused("unsupported_media_type", detail, "file_workbook"))).toContain(
      "This is a spreadsheet workbook",
    );
  });

  it("a reasonCode the catalogue does not know, or none: the code's sentence in the user's language, the API's detail under it", () => {
    const unknown = render("pt-BR", ptBR, refused("bad_request", "something new", "file_from_the_future"));
    expect(unknown).toContain("Esse pedido não foi aceito.");
    expect(unknown).toContain("something new");
    expect(unknown.match(/<p/g)).toHaveLength(2);
    const tooLarge = render("en", en, refused("payload_too_large", "the file is larger than 10 bytes"));
    expect(tooLarge).toContain("the file is larger than 10 bytes");
    expect(tooLarge).toContain("That is too large for the server to accept.");
  });

  it("a refused inbox reply is worded from its reasonCode in pt-BR, the uncommon ones too", () => {
    const limited = new ApiError(429, "rate_limited", "this instance accepts 30 messages per minute (bursts of 5)", {
      code: "rate_limited",
      detail: "this instance accepts 30 messages per minute (bursts of 5)",
      reasonCode: "instance_rate_limited",
    });
    const html = render("pt-BR", ptBR, limited);
    expect(html).not.toContain("Pedidos demais.");
    expect(html).toContain("Este número enviou muitas mensagens no último minuto.");
    expect(html).not.toContain("messages per minute");
    const quote = "replyTo names no message of this instance (3EB0)";
    const unknownQuote = new ApiError(422, "invalid_message", quote, {
      code: "invalid_message",
      detail: quote,
      reasonCode: "reply_to_unknown",
    });
    const pt = render("pt-BR", ptBR, unknownQuote);
    expect(pt).not.toContain("Esta mensagem não pode ser enviada como está.");
    expect(pt).toContain("A mensagem citada não pertence a este número.");
    expect(pt).not.toContain("replyTo");
    expect(render("en", en, unknownQuote)).toContain("The quoted message is not one this number has.");
  });

  it("a wrong sign-in says so once, in the user's language, not again as the API's lower-case note", () => {
    const wrong = new ApiError(401, "invalid_credentials", "wrong email or password", {
      code: "invalid_credentials",
      title: "Unauthorized",
      detail: "wrong email or password",
    });
    const html = render("en", en, wrong);
    expect(html).toContain("Wrong email or password.");
    expect(html.toLowerCase().match(/wrong email or password/g)).toHaveLength(1);
    const pt = render("pt-BR", ptBR, wrong);
    expect(pt).toContain("E-mail ou senha incorretos.");
    expect(pt).not.toContain("wrong email or password");
  });

  it("an answer without a problem body, or no API error at all, reads as the generic line for its code", () => {
    const proxy = render("en", en, new ApiError(503, "service_unavailable", "Service Unavailable", null));
    expect(proxy).toContain("A service Mirage depends on is not available right now.");
    expect(proxy).not.toContain("Service Unavailable");
    expect(render("en", en, new Error("boom"))).toContain("Something went wrong on our side.");
  });
});
