import { describe, expect, it } from "vitest";
import { messageText, quotedOf } from "./inbound-quote.ts";

const account = { jid: "5511900000001@s.whatsapp.net", lid: "98765@lid", phoneE164: "+5511900000001" };

describe("quotedOf", () => {
  it("reads a reply's contextInfo: the quoted id, whether this account wrote it (by phone JID or LID), its text", () => {
    const reply = (participant: string, quotedMessage: object) => ({
      extendedTextMessage: { text: "sim", contextInfo: { stanzaId: "3EB0AA", participant, quotedMessage } },
    });
    expect(quotedOf(reply("5511900000001:3@s.whatsapp.net", { conversation: "Quer?" }), account)).toEqual({
      id: "3EB0AA",
      fromMe: true,
      text: "Quer?",
    });
    expect(quotedOf(reply("98765@lid", { extendedTextMessage: { text: "Quer mesmo?" } }), account)).toMatchObject({
      fromMe: true,
      text: "Quer mesmo?",
    });
    expect(quotedOf(reply("5511977770001@s.whatsapp.net", { conversation: "oi" }), account)).toMatchObject({
      fromMe: false,
    });
    // Media: its caption, or nothing (the quote still names the message); long texts are cut.
    expect(quotedOf(reply("5511977770001@s.whatsapp.net", { imageMessage: { caption: "foto" } }), account)?.text).toBe(
      "foto",
    );
    expect(quotedOf(reply("5511977770001@s.whatsapp.net", { audioMessage: {} }), account)?.text).toBe("");
    expect(
      quotedOf(reply("5511977770001@s.whatsapp.net", { conversation: "x".repeat(5000) }), account)?.text,
    ).toHaveLength(4096);
    // Without knowing the account yet, nothing is claimed as its own.
    expect(quotedOf(reply("5511900000001@s.whatsapp.net", { conversation: "a" }), undefined)?.fromMe).toBe(false);
  });

  it("is undefined for a message that quotes nothing", () => {
    expect(quotedOf({ conversation: "oi" }, account)).toBeUndefined();
    expect(quotedOf({ extendedTextMessage: { text: "link", contextInfo: { isForwarded: true } } }, account)).toBe(
      undefined,
    );
    expect(quotedOf(undefined, account)).toBeUndefined();
  });
});

describe("messageText", () => {
  it("is a text message's text, and undefined for media (captions are not texts Mirage stores)", () => {
    expect(messageText({ conversation: "a" })).toBe("a");
    expect(messageText({ extendedTextMessage: { text: "b" } })).toBe("b");
    expect(messageText({ imageMessage: { caption: "c" } })).toBeUndefined();
  });
});
