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
      .regex(/^[\p{L}\p{N} ._-]+$/u, "letters, digits, spaces, dots, dashes and underscores only"),
    /** The number to link, when known (needed for a pairing code; QR pairing learns it). */
    phone: ZPhoneInput.optional(),
    hourlyCap: z.number().int().min(1).max(10_000).optional(),
    dailyCap: z.number().int().min(1).max(100_000).optional(),
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
    /** Numbers in any written form with their country code (`+55 11 99999-0001`, `5511999990001`); at most 50. */
    numbers: z.array(z.string().trim().min(1).max(64)).min(1).max(50),
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
    /**
     * `available` / `unavailable`: the account is shown online or not. `composing` (typing…), `recording`
     * (recording audio…) and `paused` are shown in the chat with `to`.
     */
    presence: z.enum(["available", "unavailable", "composing", "recording", "paused"]),
    /** The chat for a chat state: a phone number in any written form, or a LID (`…@lid`). */
    to: z.string().trim().min(1).max(64).optional(),
    /** How long a chat state shows before `paused` is sent, in ms (0: until changed; at most 60,000). */
    durationMs: z.number().int().min(0).max(60_000).optional(),
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
    /** WhatsApp ids of messages this instance received (as in the inbox and the `message:inbound` webhook). */
    waMessageIds: z.array(z.string().min(1).max(128)).min(1).max(200),
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
