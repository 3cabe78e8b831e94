import { z } from "zod";
import { ZInstanceStatus } from "./enums.ts";

/**
 * The contract between workers (session hosts) and the orchestrator (placement, API, realtime gateway),
 * over Redis: a registry with heartbeats, a command queue per worker, and one pub/sub channel of events.
 */

/**
 * Every key and channel lives under a namespace (the deployment's QUEUE_PREFIX, "mirage" by default), so two
 * deployments — or a test run next to a dev stack — sharing one Redis never see each other's workers.
 */
/** Redis pub/sub channel every worker publishes instance events on; the orchestrator relays them to org rooms. */
export const workerEventsChannel = (ns: string) => `${ns}:events`;
/** The default namespace's channel. */
export const WORKER_EVENTS_CHANNEL = workerEventsChannel("mirage");
/** Hash of worker id → ZWorkerInfo JSON. A worker is live only while its alive key exists. */
export const workerRegistryKey = (ns: string) => `${ns}:workers`;
export const workerAliveKey = (ns: string, workerId: string) => `${ns}:worker:${workerId}:alive`;
/** BullMQ queue a worker consumes its commands from (BullMQ queue names may not contain ':'). */
export const workerCommandQueue = (workerId: string) => `worker-${workerId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
/** Latest QR of an instance waiting to be paired, with a TTL equal to the QR's life. */
export const instanceQrKey = (ns: string, instanceId: string) => `${ns}:qr:${instanceId}`;
/** The placement leader's lease. */
export const placementLeaderKey = (ns: string) => `${ns}:placement:leader`;

export const ZWorkerInfo = z.object({
  id: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  capacity: z.number().int().positive(),
  hosted: z.number().int().nonnegative(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
});
export type TWorkerInfo = z.infer<typeof ZWorkerInfo>;

export const ZInstanceQr = z.object({
  instanceId: z.uuid(),
  qr: z.string(),
  dataUrl: z.string(),
  attempt: z.number().int().positive(),
  expiresAt: z.string(),
});
export type TInstanceQr = z.infer<typeof ZInstanceQr>;

export const ZInstanceStatusEvent = z.object({
  instanceId: z.uuid(),
  status: ZInstanceStatus,
  previous: ZInstanceStatus.nullable(),
  reason: z.string().nullable(),
  /** Ban, logout, repeated replacement, attempts exhausted: something an admin must act on. */
  alert: z.boolean(),
  at: z.string(),
});
export type TInstanceStatusEvent = z.infer<typeof ZInstanceStatusEvent>;

export const ZInstanceHealthEvent = z.object({
  instanceId: z.uuid(),
  score: z.number().int().min(0).max(100),
  reasons: z.array(z.string()),
  metrics: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type TInstanceHealthEvent = z.infer<typeof ZInstanceHealthEvent>;

export const ZWorkerEvent = z.discriminatedUnion("event", [
  z.object({ orgId: z.uuid(), event: z.literal("instance:qr"), data: ZInstanceQr }),
  z.object({ orgId: z.uuid(), event: z.literal("instance:status"), data: ZInstanceStatusEvent }),
  z.object({ orgId: z.uuid(), event: z.literal("instance:health"), data: ZInstanceHealthEvent }),
]);
export type TWorkerEvent = z.infer<typeof ZWorkerEvent>;

/** Commands the orchestrator sends to the worker hosting an instance (job name → payload). */
export const ZWorkerCommand = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), instanceId: z.uuid() }),
  z.object({ type: z.literal("stop"), instanceId: z.uuid() }),
  z.object({ type: z.literal("restart"), instanceId: z.uuid() }),
  z.object({ type: z.literal("logout"), instanceId: z.uuid() }),
  z.object({ type: z.literal("delete"), instanceId: z.uuid() }),
  z.object({
    type: z.literal("pairing-code"),
    instanceId: z.uuid(),
    /** Digits only, with the country code (what WhatsApp's "link with phone number" expects). */
    phoneDigits: z.string().regex(/^[1-9][0-9]{6,14}$/),
  }),
  z.object({
    /** Which numbers have a WhatsApp account (the send path's own check, with its cache). */
    type: z.literal("on-whatsapp"),
    instanceId: z.uuid(),
    /** E.164 numbers, at most 50. */
    phones: z
      .array(z.string().regex(/^\+[1-9][0-9]{6,14}$/))
      .min(1)
      .max(50),
  }),
  z.object({
    /**
     * A presence: account-wide (`available`, `unavailable`), or a chat state shown to `to` (`composing`,
     * `recording`, `paused`) — cleared by the worker after `durationMs` (a `paused` follows).
     */
    type: z.literal("presence"),
    instanceId: z.uuid(),
    presence: z.enum(["available", "unavailable", "composing", "recording", "paused"]),
    /** The chat: an E.164 number (resolved like a send) or a `…@lid` JID. Required for chat states. */
    to: z.string().max(64).optional(),
    durationMs: z.number().int().min(0).max(300_000).optional(),
    /** The push name WhatsApp shows with an account-wide presence when the account has none yet. */
    pushName: z.string().max(100).optional(),
  }),
  z.object({
    /** Read receipts (blue ticks) for messages the instance received. */
    type: z.literal("read-receipts"),
    instanceId: z.uuid(),
    keys: z
      .array(z.object({ remoteJid: z.string().min(3).max(128), id: z.string().min(1).max(128) }))
      .min(1)
      .max(200),
  }),
  z.object({
    /** A reaction to a message the instance received (`emoji` empty: takes the instance's reaction back). */
    type: z.literal("reaction"),
    instanceId: z.uuid(),
    /** The chat as WhatsApp addressed the message (phone JID or LID), and the message's WhatsApp id. */
    remoteJid: z.string().min(3).max(128),
    id: z.string().min(1).max(128),
    emoji: z.string().max(32),
  }),
  z.object({
    /**
     * A person was erased: the instance drops the Signal keys it holds in memory for them (sessions, identity keys,
     * LID mappings, device lists, privacy tokens), waits for key commits already under way, and deletes what those
     * wrote. `users`: the user parts of their JIDs (phone digits in every form, LID user). Sent with `retain: false`
     * (the job leaves Redis with its answer), since it names the person.
     */
    type: z.literal("forget-person"),
    instanceId: z.uuid(),
    users: z
      .array(z.string().regex(/^[0-9]{5,20}$/))
      .min(1)
      .max(500),
  }),
]);
export type TWorkerCommand = z.infer<typeof ZWorkerCommand>;

export const ZWorkerCommandResult = z.object({
  ok: z.boolean(),
  /** What happened, for the API's answer: "started", "already_connected", "stopped", "pairing_code", … */
  outcome: z.string(),
  pairingCode: z.string().optional(),
  /** When the pairing code stops working (ISO 8601); a repeat request before then returns the same code. */
  pairingCodeExpiresAt: z.string().optional(),
  /** Logout and delete: whether WhatsApp confirmed the companion device was removed from the phone. */
  phoneUnlinked: z.boolean().optional(),
  status: ZInstanceStatus.optional(),
  /** on-whatsapp: one answer per asked number, in the order asked. */
  numbers: z
    .array(
      z.object({
        phone: z.string(),
        onWhatsApp: z.boolean(),
        /** The JID WhatsApp has for the number (for Brazil, with or without the ninth digit, as registered). */
        jid: z.string().nullable(),
        lid: z.string().nullable(),
      }),
    )
    .optional(),
  /** presence to a chat: the JID it was shown in. */
  jid: z.string().optional(),
  /** reaction: the WhatsApp id of the reaction message sent. */
  messageId: z.string().optional(),
  /** forget-person: keys dropped from the instance's memory, and rows deleted after the commits under way. */
  forgotten: z.object({ inMemory: z.number().int(), stored: z.number().int() }).optional(),
});
export type TWorkerCommandResult = z.infer<typeof ZWorkerCommandResult>;

/**
 * BullMQ queue of send work for one worker: "an instance you host has a message due" (API sends, inbox replies).
 * The worker's send lane for that instance then claims due rows itself, so a lost or duplicated job is harmless.
 */
export const workerSendQueue = (workerId: string) => `${workerCommandQueue(workerId)}-send`;

export const ZSendNudge = z.object({ instanceId: z.uuid(), messageId: z.number().int().positive().optional() });
export type TSendNudge = z.infer<typeof ZSendNudge>;
