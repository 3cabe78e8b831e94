import { z } from "zod";
import { pageQuery } from "./common.ts";
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
    sent: z.number().int().min(0),
    /**
     * The number's own daily cap (`dailyCap`), which every campaign respects; null = none. A campaign's caps may be
     * lower for its sends.
     */
    cap: z.number().int().nullable(),
    /**
     * During the number's first days after pairing: the warm-up curve's daily cap for its age, which campaigns that
     * keep warm-up on (`caps.warmup`) apply on top of their own; null once warmed up (or never paired).
     */
    warmupCap: z.number().int().nullable(),
    /** Days since the number was first paired while its warm-up curve applies (0 = the first day); else null. */
    warmupDay: z.number().int().nullable(),
  })
  .meta({ id: "InstanceDailySends" });
export type TInstanceDailySends = z.infer<typeof ZInstanceDailySends>;

export const ZInstance = z
  .object({
    id: ZUuid,
    orgId: ZUuid,
    name: z.string(),
    /** The number the instance was created for (or, if none was given, the one that linked). */
    phone: ZPhoneE164.nullable(),
    /**
     * The number that actually linked. When it is another number than `phone`, `statusReason` is
     * `linked_phone_mismatch` while connected, and an instance event records both.
     */
    linkedPhone: z.string().nullable(),
    waJid: z.string().nullable(),
    status: ZInstanceStatus,
    statusReason: z.string().nullable(),
    desiredState: z.enum(["running", "stopped"]),
    /** 0–100 while the socket is logged in (connected, degraded, restricted); null in every other status. */
    healthScore: z.number().int().nullable(),
    restrictedUntil: ZTimestamp.nullable(),
    workerId: z.string().nullable(),
    lastConnectedAt: ZTimestamp.nullable(),
    lastInboundAt: ZTimestamp.nullable(),
    lastOutboundAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
    dailySends: ZInstanceDailySends,
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
    id: z.number().int(),
    from: ZInstanceStatus.nullable(),
    to: ZInstanceStatus,
    reason: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    at: ZTimestamp,
  })
  .meta({
    id: "InstanceEvent",
    example: { id: 42, from: "connecting", to: "connected", reason: null, detail: {}, at: "2026-11-24T10:00:00.000Z" },
  });

export const ZInstanceHealthSample = z
  .object({ score: z.number().int(), reasons: z.array(z.string()), at: ZTimestamp })
  .meta({
    id: "InstanceHealthSample",
    example: { score: 85, reasons: ["slow_acks"], at: "2026-11-24T10:00:00.000Z" },
  });

export const ZInstanceEventsQuery = pageQuery({ defaultLimit: 100, maxLimit: 500 });

export const ZQrQuery = z.strictObject({ format: z.enum(["json", "png"]).default("json") });

export const ZInstanceQrResponse = z
  .object({
    qr: z.string(),
    dataUrl: z.string(),
    attempt: z.number().int(),
    expiresAt: ZTimestamp,
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
    code: z.string(),
    phone: ZPhoneE164,
    /** Until then, asking again returns this same code (a new code would void the one being typed). */
    expiresAt: ZTimestamp,
  })
  .meta({
    id: "PairingCode",
    example: { code: "ABCD1234", phone: "+5511999990000", expiresAt: "2026-11-24T10:02:00.000Z" },
  });

export const ZInstanceActionResponse = z
  .object({
    instanceId: ZUuid,
    outcome: z.string(),
    /** The instance's status after the action (what happened, not what was asked). */
    status: ZInstanceStatus.nullable(),
    /**
     * Logout: whether WhatsApp confirmed the linked device was removed from the phone. False means the phone may
     * still list it under Linked devices (remove it there).
     */
    phoneUnlinked: z.boolean().optional(),
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
    results: z.array(
      z.object({
        /** The number as given. */
        input: z.string(),
        /** Its E.164 form; null when it is not a valid phone number (then `onWhatsApp` is false). */
        phone: ZPhoneE164.nullable(),
        onWhatsApp: z.boolean(),
        /** The id WhatsApp has for it — for Brazilian mobiles, with or without the ninth digit as registered. */
        jid: z.string().nullable(),
        lid: z.string().nullable(),
      }),
    ),
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
    presence: z.string(),
    /** The chat the state was shown in (chat states only). */
    jid: z.string().nullable(),
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
    /** Receipts WhatsApp was given. */
    sent: z.number().int().nonnegative(),
    /** Ids this instance never received (no receipt sent for them). */
    unknown: z.array(z.string()),
  })
  .meta({ id: "ReadReceiptsResponse", example: { sent: 1, unknown: [] } });
