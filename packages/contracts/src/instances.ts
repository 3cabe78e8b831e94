import { z } from "zod";
import { CREATED_AT, ORG_ID, pageQuery } from "./common.ts";
import { ZInstanceStatus, ZPhoneE164, ZPhoneInput } from "./enums.ts";

/** REST DTOs of the instances feature. */
const ZUuid = z.uuid();
const ZTimestamp = z.iso.datetime({ offset: true });

export const ZInstanceParams = z.strictObject({ orgId: ZUuid, instanceId: ZUuid });

export const ZCreateInstanceRequest = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\p{L}\p{N} ._-]+$/u, "letters, digits, spaces, dots, dashes and underscores only")
      .describe(
        "A name unique in the organization: 1–100 letters, digits, spaces, dots, dashes and underscores (409 when taken).",
      ),
    phone: ZPhoneInput.optional().describe(
      "The number this instance is for, when known, in any written form (without a country code, the " +
        "organization's default country applies); unique among the organization's instances; absent: the number " +
        "that links is recorded.",
    ),
    hourlyCap: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        "The number's own cap on campaign sends per rolling hour, which every campaign applies on top of its own " +
          "caps (direct sends count toward it but are not held by it); absent: none.",
      ),
    dailyCap: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe(
        "The number's own cap on campaign sends per rolling 24 hours, which every campaign applies on top of its " +
          "own caps (direct sends count toward it but are not held by it); absent: none.",
      ),
  })
  .meta({ id: "CreateInstanceRequest", example: { name: "sales-1", phone: "(11) 99999-0000" } });
export type TCreateInstanceRequest = z.infer<typeof ZCreateInstanceRequest>;

/**
 * Today's sends against the number's daily cap, as the campaign engine counts them: messages it began sending in the
 * last 24 hours (rolling), every campaign and direct send.
 */
export const ZInstanceDailySends = z
  .object({
    sent: z.number().int().min(0).describe("Messages the number began sending in the last 24 hours (rolling)."),
    cap: z
      .number()
      .int()
      .nullable()
      .describe(
        "The number's own daily cap (`dailyCap`), which every campaign respects; null: none. A campaign's caps may " +
          "be lower for its sends.",
      ),
    warmupCap: z
      .number()
      .int()
      .nullable()
      .describe(
        "During the number's first days after pairing: the warm-up curve's daily cap for its age, which campaigns " +
          "that keep warm-up on (`caps.warmup`) apply on top of their own; null once warmed up (or never paired).",
      ),
    warmupDay: z
      .number()
      .int()
      .nullable()
      .describe(
        "Days since the number was first paired while its warm-up curve applies (0: the first day); else null.",
      ),
  })
  .meta({ id: "InstanceDailySends" });
export type TInstanceDailySends = z.infer<typeof ZInstanceDailySends>;

export const ZInstance = z
  .object({
    id: ZUuid.describe("The instance's id."),
    orgId: ZUuid.describe(ORG_ID),
    name: z.string().describe("The instance's name, unique in the organization."),
    phone: ZPhoneE164.nullable().describe(
      "The number the instance was created for (or, if none was given, the one that linked), E.164; null: not known yet.",
    ),
    linkedPhone: z
      .string()
      .nullable()
      .describe(
        "The number that actually linked (E.164); null: never linked. When it differs from `phone`, `statusReason` " +
          "is `linked_phone_mismatch` while connected.",
      ),
    waJid: z.string().nullable().describe("The linked account's WhatsApp id (`…@s.whatsapp.net`); null: never linked."),
    status: ZInstanceStatus.describe("The connection status of its WhatsApp session."),
    statusReason: z.string().nullable().describe("Why it has that status, as a code; null: no reason recorded."),
    desiredState: z.enum(["running", "stopped"]).describe("Whether it was asked to run (start) or to stay stopped."),
    healthScore: z
      .number()
      .int()
      .nullable()
      .describe("0–100 while the socket is logged in (connected, degraded, restricted); null in every other status."),
    restrictedUntil: ZTimestamp.nullable().describe(
      "Until when WhatsApp restricts the number (ISO 8601 with offset); null: not restricted.",
    ),
    workerId: z.string().nullable().describe("The worker hosting its session; null: not placed on any."),
    lastConnectedAt: ZTimestamp.nullable().describe("When it last connected (ISO 8601 with offset); null: never."),
    lastInboundAt: ZTimestamp.nullable().describe(
      "When it last received a message (ISO 8601 with offset); null: never.",
    ),
    lastOutboundAt: ZTimestamp.nullable().describe("When it last sent a message (ISO 8601 with offset); null: never."),
    createdAt: ZTimestamp.describe(CREATED_AT),
    dailySends: ZInstanceDailySends.describe("Its sends of the last 24 hours against its daily caps."),
  })
  .meta({
    id: "Instance",
    example: {
      id: "6f1c2b8e-4d5a-4e1b-9c3d-2a7e8f0b1c2d",
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      name: "sales-1",
      phone: "+5511999990000",
      linkedPhone: "+5511999990000",
      waJid: "5511999990000@s.whatsapp.net",
      status: "connected",
      statusReason: null,
      desiredState: "running",
      healthScore: 100,
      restrictedUntil: null,
      workerId: "worker-a",
      lastConnectedAt: "2026-11-24T10:00:00.000Z",
      lastInboundAt: null,
      lastOutboundAt: "2026-11-24T10:05:00.000Z",
      createdAt: "2026-11-24T09:58:00.000Z",
      dailySends: { sent: 37, cap: null, warmupCap: 45, warmupDay: 2 },
    },
  });
export type TInstance = z.infer<typeof ZInstance>;

export const ZInstanceEvent = z
  .object({
    id: z.number().int().describe("The event's id: increasing, the order events happened in."),
    from: ZInstanceStatus.nullable().describe("The status before; null when it was not recorded."),
    to: ZInstanceStatus.describe("The status after."),
    reason: z.string().nullable().describe("Why the status changed, as a code; null: no reason recorded."),
    detail: z.record(z.string(), z.unknown()).describe("Event-specific details; may be empty."),
    at: ZTimestamp.describe("When it happened (ISO 8601 with offset)."),
  })
  .meta({
    id: "InstanceEvent",
    example: { id: 42, from: "connecting", to: "connected", reason: null, detail: {}, at: "2026-11-24T10:00:00.000Z" },
  });

export const ZInstanceHealthSample = z
  .object({
    score: z.number().int().describe("The health score then (0–100)."),
    reasons: z.array(z.string()).describe("What lowered the score, as codes (e.g. slow_acks); empty: nothing."),
    at: ZTimestamp.describe("When it was sampled (ISO 8601 with offset)."),
  })
  .meta({
    id: "InstanceHealthSample",
    example: { score: 85, reasons: ["slow_acks"], at: "2026-11-24T10:00:00.000Z" },
  });

export const ZInstanceEventsQuery = pageQuery({ defaultLimit: 100, maxLimit: 500 });

export const ZQrQuery = z.strictObject({ format: z.enum(["json", "png"]).default("json") });

export const ZInstanceQrResponse = z
  .object({
    qr: z.string().describe("The QR code's text, to render as a QR code."),
    dataUrl: z.string().describe("The QR code as a PNG `data:` URL, ready for an `<img>`."),
    attempt: z
      .number()
      .int()
      .describe("Which QR code of this pairing it is (1 for the first; each expires and is replaced)."),
    expiresAt: ZTimestamp.describe("When this QR code stops working (ISO 8601 with offset)."),
  })
  .meta({
    id: "InstanceQr",
    example: {
      qr: "https://wa.me/settings/linked_devices#2@abc…,…",
      dataUrl: "data:image/png;base64,iVBORw0KGgo…",
      attempt: 1,
      expiresAt: "2026-11-24T10:01:00.000Z",
    },
  });

export const ZPairingCodeRequest = z
  .strictObject({ phone: ZPhoneInput })
  .meta({ id: "PairingCodeRequest", example: { phone: "+55 11 99999-0000" } });

export const ZPairingCodeResponse = z
  .object({
    code: z.string().describe("The code to type on the phone (Linked devices → Link with phone number)."),
    phone: ZPhoneE164.describe("The number being linked (E.164)."),
    expiresAt: ZTimestamp.describe(
      "When the code expires (ISO 8601 with offset); until then, asking again returns this same code.",
    ),
  })
  .meta({
    id: "PairingCode",
    example: { code: "ABCD1234", phone: "+5511999990000", expiresAt: "2026-11-24T10:02:00.000Z" },
  });

export const ZInstanceActionResponse = z
  .object({
    instanceId: ZUuid.describe("The instance acted on."),
    outcome: z.string().describe("What happened, as a code (e.g. `stopped`, `not_running`, `already_connected`)."),
    status: ZInstanceStatus.nullable().describe(
      "The instance's status after the action (what happened, not what was asked); null once deleted.",
    ),
    phoneUnlinked: z
      .boolean()
      .optional()
      .describe(
        "Logout and delete: whether WhatsApp confirmed the linked device was removed from the phone (false: remove " +
          "it under Linked devices); absent for other actions.",
      ),
  })
  .meta({
    id: "InstanceAction",
    example: { instanceId: "6f1c2b8e-4d5a-4e1b-9c3d-2a7e8f0b1c2d", outcome: "already_connected", status: "connected" },
  });

// ── what a connected instance checks or says (on-WhatsApp, presence, read receipts) ─────────────────────────────

export const ZOnWhatsAppRequest = z
  .strictObject({
    numbers: z
      .array(z.string().trim().min(1).max(64))
      .min(1)
      .max(50)
      .describe(
        "1–50 phone numbers in any written form (`+55 11 99999-0001`, `5511999990001`; national ones in the " +
          "organization's default country); one that cannot be read is answered `onWhatsApp: false`, `phone: null`.",
      ),
  })
  .meta({ id: "OnWhatsAppRequest", example: { numbers: ["+55 11 99999-0001", "5511999990002"] } });

export const ZOnWhatsAppResponse = z
  .object({
    results: z
      .array(
        z.object({
          input: z.string().describe("The number as given."),
          phone: ZPhoneE164.nullable().describe(
            "Its E.164 form; null when it is not a valid phone number (then `onWhatsApp` is false).",
          ),
          onWhatsApp: z.boolean().describe("Whether the number has a WhatsApp account."),
          jid: z
            .string()
            .nullable()
            .describe(
              "The id WhatsApp has for it (for Brazilian mobiles, with or without the ninth digit as registered); " +
                "null when not on WhatsApp.",
            ),
          lid: z.string().nullable().describe("Its WhatsApp LID (`…@lid`) when WhatsApp gave one; else null."),
        }),
      )
      .describe("One result per number asked, in the order given."),
  })
  .meta({
    id: "OnWhatsAppResponse",
    example: {
      results: [
        {
          input: "+55 11 99999-0001",
          phone: "+5511999990001",
          onWhatsApp: true,
          jid: "5511999990001@s.whatsapp.net",
          lid: null,
        },
        { input: "5511999990002", phone: "+5511999990002", onWhatsApp: false, jid: null, lid: null },
      ],
    },
  });

export const ZPresenceRequest = z
  .strictObject({
    presence: z
      .enum(["available", "unavailable", "composing", "recording", "paused"])
      .describe(
        "`available` / `unavailable`: the account is shown online or not; `composing` (typing…), `recording` " +
          "(recording audio…) and `paused` are chat states, shown in the chat with `to`.",
      ),
    to: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "The chat, required for a chat state: a phone number in any written form (national in the organization's " +
          "default country) or a LID (`…@lid`); ignored for `available` / `unavailable`.",
      ),
    durationMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .optional()
      .describe(
        "How long a chat state shows before `paused` is sent, in milliseconds (at most 60,000); 0 or absent: until " +
          "changed.",
      ),
  })
  .meta({ id: "PresenceRequest", example: { presence: "composing", to: "+55 11 99999-0001", durationMs: 3000 } });

export const ZPresenceResponse = z
  .object({
    presence: z.string().describe("The presence or chat state sent."),
    jid: z.string().nullable().describe("The chat the state was shown in; null for `available` / `unavailable`."),
  })
  .meta({ id: "PresenceResponse", example: { presence: "composing", jid: "5511999990001@s.whatsapp.net" } });

export const ZReadReceiptsRequest = z
  .strictObject({
    waMessageIds: z
      .array(z.string().min(1).max(128))
      .min(1)
      .max(200)
      .describe(
        "1–200 WhatsApp ids of messages this instance received (as in the inbox and the `message:inbound` " +
          "webhook); ids it never received get no receipt and are answered in `unknown`.",
      ),
  })
  .meta({ id: "ReadReceiptsRequest", example: { waMessageIds: ["3EB0C767D26A1D8E"] } });

export const ZReadReceiptsResponse = z
  .object({
    sent: z.number().int().nonnegative().describe("Receipts WhatsApp was given."),
    unknown: z.array(z.string()).describe("Ids this instance never received (no receipt sent for them)."),
  })
  .meta({ id: "ReadReceiptsResponse", example: { sent: 1, unknown: [] } });
