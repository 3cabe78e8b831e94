import { describe, expect, it } from "vitest";
import { toEvolutionDelivery } from "./events.ts";

const ALL = [
  "QRCODE_UPDATED",
  "CONNECTION_UPDATE",
  "MESSAGES_UPSERT",
  "MESSAGES_EDITED",
  "MESSAGES_UPDATE",
  "MESSAGES_DELETE",
  "SEND_MESSAGE",
];
const work = (eventType: string, payload: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  eventType,
  payload,
  url: "https://n8n.example.com/webhook/evo/",
  byEvents: false,
  instanceName: "vendas",
  endpointEvents: ALL,
  createdAt: new Date("2026-11-30T12:00:00Z"),
  ...over,
});

describe("Mirage events as Evolution webhook bodies", () => {
  it("message states: sent → SEND_MESSAGE, delivered/read/failed → MESSAGES_UPDATE, queued steps → nothing", () => {
    const status = (state: string) =>
      toEvolutionDelivery(
        work("message:status", {
          messageId: 7,
          instanceId: "i-1",
          recipientPhone: "+5511999990001",
          state,
          waMessageId: "3EB0AA",
          errorCode: state === "failed" ? "not_on_whatsapp" : null,
        }),
      );
    expect(status("sent")?.body).toMatchObject({
      event: "send.message",
      instance: "vendas",
      data: { key: { remoteJid: "5511999990001@s.whatsapp.net", fromMe: true, id: "3EB0AA" }, status: "SERVER_ACK" },
    });
    expect(status("read")?.body.data).toEqual({
      messageId: "7",
      keyId: "3EB0AA",
      remoteJid: "5511999990001@s.whatsapp.net",
      fromMe: true,
      participant: null,
      status: "READ",
      instanceId: "i-1",
    });
    expect(status("delivered")?.event).toBe("MESSAGES_UPDATE");
    expect(status("failed")?.body.data).toMatchObject({ status: "ERROR", error: "not_on_whatsapp" });
    for (const s of ["queued", "claimed", "sending"]) expect(status(s)).toBeUndefined();
  });

  it("inbound → MESSAGES_UPSERT with the sender's JID (phone, or LID when that is all there is)", () => {
    const byLid = toEvolutionDelivery(
      work("message:inbound", {
        instanceId: "i-1",
        waMessageId: "IN1",
        fromPhone: null,
        fromLid: "123456789",
        text: "oi",
      }),
    );
    expect(byLid?.body.data).toMatchObject({
      key: { remoteJid: "123456789@lid", fromMe: false, id: "IN1" },
      message: { conversation: "oi" },
    });
  });

  it("an inbound reply → extendedTextMessage with its contextInfo (also at the top level, as Evolution does)", () => {
    const quoted = (fromMe: boolean) =>
      toEvolutionDelivery(
        work("message:inbound", {
          instanceId: "i-1",
          waMessageId: "IN2",
          fromPhone: "+5511999990001",
          fromLid: null,
          text: "sim, quero",
          replyTo: { waMessageId: "3EB0AA", fromMe, text: "Quer receber o catálogo?" },
        }),
      )?.body.data;
    const contextInfo = {
      stanzaId: "3EB0AA",
      participant: null,
      quotedMessage: { conversation: "Quer receber o catálogo?" },
    };
    expect(quoted(true)).toMatchObject({
      message: { extendedTextMessage: { text: "sim, quero", contextInfo } },
      contextInfo,
      messageType: "extendedTextMessage",
    });
    expect(quoted(false)).toMatchObject({
      contextInfo: { stanzaId: "3EB0AA", participant: "5511999990001@s.whatsapp.net" },
    });
    const plain = toEvolutionDelivery(
      work("message:inbound", { instanceId: "i-1", waMessageId: "IN3", fromPhone: "+5511999990001", text: "oi" }),
    )?.body.data;
    expect(plain).toMatchObject({ message: { conversation: "oi" }, messageType: "conversation" });
    expect(plain).not.toHaveProperty("contextInfo");
  });

  it("media received → <kind>Message with its caption and messageType naming it (ptt for a voice note)", () => {
    const media = (messageType: string, text: string) =>
      toEvolutionDelivery(
        work("message:inbound", {
          instanceId: "i-1",
          waMessageId: "M1",
          fromPhone: "+5511999990001",
          text,
          messageType,
        }),
      )?.body.data;
    expect(media("voice", "")).toMatchObject({ message: { audioMessage: { ptt: true } }, messageType: "audioMessage" });
    expect(media("image", "a foto")).toMatchObject({
      message: { imageMessage: { caption: "a foto" } },
      messageType: "imageMessage",
    });
    expect(media("image", "")).toMatchObject({ message: { imageMessage: {} } });
    expect(media("text", "oi")).toMatchObject({ message: { conversation: "oi" }, messageType: "conversation" });
  });

  it("a reaction → reactionMessage naming the reacted message's key", () => {
    const reaction = toEvolutionDelivery(
      work("message:inbound", {
        instanceId: "i-1",
        waMessageId: "R1",
        fromPhone: "+5511999990001",
        text: "👍",
        messageType: "reaction",
        replyTo: { waMessageId: "3EB0OFFER", fromMe: true, text: "" },
      }),
    )?.body.data;
    expect(reaction).toMatchObject({
      key: { remoteJid: "5511999990001@s.whatsapp.net", fromMe: false, id: "R1" },
      message: {
        reactionMessage: {
          key: { remoteJid: "5511999990001@s.whatsapp.net", fromMe: true, id: "3EB0OFFER" },
          text: "👍",
        },
      },
      messageType: "reactionMessage",
    });
  });

  it("a sender's edit → MESSAGES_EDITED with the edited content; a deletion → MESSAGES_DELETE with the key", () => {
    const updated = (payload: Record<string, unknown>, over: Record<string, unknown> = {}) =>
      toEvolutionDelivery(
        work("message:updated", { instanceId: "i-1", fromPhone: "+5511999990001", fromLid: null, ...payload }, over),
      );
    const key = { remoteJid: "5511999990001@s.whatsapp.net", fromMe: false, id: "M1" };
    const edited = updated({
      waMessageId: "M1",
      change: "edited",
      messageType: "text",
      text: "quero 2",
      editedAt: "2026-11-30T12:00:05.250Z",
    });
    expect(edited?.event).toBe("MESSAGES_EDITED");
    expect(edited?.body).toMatchObject({ event: "messages.edited", instance: "vendas" });
    expect(edited?.body.data).toEqual({
      key,
      type: "MESSAGE_EDIT",
      editedMessage: { conversation: "quero 2" },
      timestampMs: String(Date.parse("2026-11-30T12:00:05.250Z")),
    });
    const caption = updated({ waMessageId: "M2", change: "edited", messageType: "image", text: "a foto certa" });
    expect(caption?.body.data).toMatchObject({ editedMessage: { imageMessage: { caption: "a foto certa" } } });

    const deleted = updated({ waMessageId: "M1", change: "deleted", text: null, deletedAt: "2026-11-30T12:01:00Z" });
    expect(deleted?.event).toBe("MESSAGES_DELETE");
    expect(deleted?.body).toMatchObject({ event: "messages.delete", data: key });
    expect(updated({ waMessageId: "M1", change: "deleted" }, { byEvents: true })?.url).toBe(
      "https://n8n.example.com/webhook/evo/messages-delete",
    );
    // Each only for an endpoint that chose it.
    expect(updated({ waMessageId: "M1", change: "deleted" }, { endpointEvents: ["MESSAGES_EDITED"] })).toBeUndefined();
    expect(
      updated({ waMessageId: "M1", change: "edited", text: "x" }, { endpointEvents: ["MESSAGES_UPDATE"] }),
    ).toBeUndefined();
  });

  it("statuses → open/connecting/close; QR with its data URL", () => {
    const conn = (status: string) =>
      toEvolutionDelivery(work("instance:status", { instanceId: "i", status }))?.body.data;
    expect(conn("degraded")).toMatchObject({ instance: "vendas", state: "open" });
    expect(conn("pending_pairing")).toMatchObject({ state: "connecting" });
    expect(conn("logged_out")).toMatchObject({ state: "close" });
    // Restricted: the socket is open, as connectionState and fetchInstances say too.
    expect(conn("restricted")).toMatchObject({ state: "open" });
    expect(conn("banned")).toMatchObject({ state: "close" });
    const qr = toEvolutionDelivery(
      work("instance:qr", { instanceId: "i", qr: "2@abc", dataUrl: "data:image/png;base64,x" }),
    );
    expect(qr?.body.data).toEqual({
      qrcode: { instance: "vendas", pairingCode: null, code: "2@abc", base64: "data:image/png;base64,x" },
    });
  });

  it("webhookByEvents appends the event's name; events the endpoint did not choose, and Mirage-only events, are dropped", () => {
    const payload = { instanceId: "i", status: "connected" };
    expect(toEvolutionDelivery(work("instance:status", payload, { byEvents: true }))?.url).toBe(
      "https://n8n.example.com/webhook/evo/connection-update",
    );
    expect(
      toEvolutionDelivery(work("instance:status", payload, { endpointEvents: ["MESSAGES_UPSERT"] })),
    ).toBeUndefined();
    expect(toEvolutionDelivery(work("campaign:progress", { campaignId: "c" }))).toBeUndefined();
  });
});
