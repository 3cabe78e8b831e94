import { describe, expect, it } from "vitest";
import { changeOf, inboundContent, quotedOf } from "./inbound-content.ts";

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

  it("reads the quote of a voice note reply too", () => {
    const voice = { audioMessage: { ptt: true, contextInfo: { stanzaId: "3EB0BB", participant: account.jid } } };
    expect(quotedOf(voice, account)).toEqual({ id: "3EB0BB", fromMe: true, text: "" });
  });

  it("is undefined for a message that quotes nothing", () => {
    expect(quotedOf({ conversation: "oi" }, account)).toBeUndefined();
    expect(quotedOf({ extendedTextMessage: { text: "link", contextInfo: { isForwarded: true } } }, account)).toBe(
      undefined,
    );
    expect(quotedOf(undefined, account)).toBeUndefined();
  });
});

describe("inboundContent", () => {
  it("is a text's text, or the media it is with its caption; wrappers unwrapped", () => {
    expect(inboundContent({ conversation: "a" })).toEqual({ messageType: "text", text: "a" });
    expect(inboundContent({ extendedTextMessage: { text: "b" } })).toEqual({ messageType: "text", text: "b" });
    expect(inboundContent({ imageMessage: { caption: "c" } })).toEqual({ messageType: "image", text: "c" });
    expect(inboundContent({ videoMessage: {} })).toEqual({ messageType: "video", text: "" });
    expect(inboundContent({ audioMessage: { ptt: true } })).toEqual({ messageType: "voice", text: "" });
    expect(inboundContent({ audioMessage: {} })).toEqual({ messageType: "audio", text: "" });
    expect(inboundContent({ documentMessage: { caption: "contrato" } })).toEqual({
      messageType: "document",
      text: "contrato",
    });
    expect(inboundContent({ stickerMessage: {} })).toEqual({ messageType: "sticker", text: "" });
    expect(inboundContent({ locationMessage: { name: "Loja", address: "Rua A, 1" } })).toEqual({
      messageType: "location",
      text: "Loja — Rua A, 1",
    });
    expect(inboundContent({ contactMessage: { displayName: "Ana" } })).toEqual({ messageType: "contact", text: "Ana" });
    // A disappearing-mode photo and a view-once one are photos.
    expect(inboundContent({ ephemeralMessage: { message: { imageMessage: { caption: "x" } } } })).toEqual({
      messageType: "image",
      text: "x",
    });
    expect(inboundContent({ viewOnceMessageV2: { message: { imageMessage: {} } } })?.messageType).toBe("image");
    expect(inboundContent({ ephemeralMessage: { message: { conversation: "oi" } } })).toEqual({
      messageType: "text",
      text: "oi",
    });
  });

  it("is a reaction's emoji (empty: taken back), naming the message it reacts to", () => {
    const reaction = (text: string, fromMe: boolean) => ({
      reactionMessage: { key: { id: "3EB0CC", fromMe, remoteJid: account.jid }, text },
    });
    expect(inboundContent(reaction("👍", true))).toEqual({ messageType: "reaction", text: "👍" });
    expect(inboundContent(reaction("", true))).toEqual({ messageType: "reaction", text: "" });
    expect(quotedOf(reaction("👍", true), account)).toEqual({ id: "3EB0CC", fromMe: true, text: "" });
    expect(quotedOf(reaction("❤️", false), account)).toEqual({ id: "3EB0CC", fromMe: false, text: "" });
  });

  it("is undefined for what is not a message to a person: a reaction to nothing, deletions, edits, polls", () => {
    expect(inboundContent({ reactionMessage: { text: "👍" } })).toBeUndefined();
    expect(inboundContent({ protocolMessage: { type: 0, key: { id: "X" } } })).toBeUndefined();
    expect(inboundContent({ pollCreationMessage: { name: "?" } })).toBeUndefined();
    expect(inboundContent(undefined)).toBeUndefined();
  });
});

describe("changeOf", () => {
  it("reads an edit (its new text or caption) and a deletion for everyone, naming the message changed", () => {
    expect(changeOf({ protocolMessage: { type: 0, key: { id: "3EB0DD" } } })).toEqual({
      id: "3EB0DD",
      change: "deleted",
      text: "",
    });
    expect(
      changeOf({ protocolMessage: { type: 14, key: { id: "3EB0DE" }, editedMessage: { conversation: "quero 2" } } }),
    ).toEqual({ id: "3EB0DE", change: "edited", text: "quero 2" });
    expect(
      changeOf({
        protocolMessage: { type: 14, key: { id: "3EB0DF" }, editedMessage: { imageMessage: { caption: "nova" } } },
      })?.text,
    ).toBe("nova");
    // Other protocol messages (history sync, app state keys…), and anything without a target, are not changes.
    expect(changeOf({ protocolMessage: { type: 5, key: { id: "X" } } })).toBeUndefined();
    expect(changeOf({ protocolMessage: { type: 0 } })).toBeUndefined();
    expect(changeOf({ conversation: "oi" })).toBeUndefined();
  });
});
