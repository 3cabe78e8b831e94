import { z } from "zod";
import { ZCampaignStatus, ZInstanceStatus, ZMessageState } from "./enums.ts";

/**
 * The socket.io event catalog (ARCHITECTURE.md, decision 6). Events reach the room of one organization only.
 * Every event is an envelope whose `cursor` orders it; a reconnecting client passes the last cursor it saw as
 * `since` in the handshake `auth` and receives what it missed (within the server's retention) before live events.
 */

export const ZInstanceStatusEvent = z.object({
  instanceId: z.uuid(),
  status: ZInstanceStatus,
  reason: z.string().nullable().optional(),
});
/** From workers (see worker-bus.ts): passed through as published, so only the instance id is required here. */
export const ZInstanceQrEvent = z.looseObject({
  instanceId: z.uuid(),
  /** The QR string to render; expires quickly, so it is pushed live and kept only briefly for catch-up. */
  qr: z.string().optional(),
  expiresAt: z.string().optional(),
});
export const ZInstanceHealthEvent = z.looseObject({
  instanceId: z.uuid(),
  score: z.number().min(0).max(100),
});
export const ZCampaignProgressEvent = z.object({
  campaignId: z.uuid(),
  status: ZCampaignStatus.optional(),
  counts: z.record(z.string(), z.number().int()).optional(),
});
export const ZMessageStatusEvent = z.object({
  messageId: z.number().int(),
  state: ZMessageState,
  campaignId: z.uuid().nullable().optional(),
  instanceId: z.uuid().nullable().optional(),
});
/** A text arrived and was stored (once): re-read the conversation or the message over REST for its content. */
export const ZMessageInboundEvent = z.object({
  messageId: z.number().int(),
  instanceId: z.uuid(),
  conversationId: z.uuid().nullable(),
  contactId: z.uuid().nullable().optional(),
  campaignId: z.uuid().nullable().optional(),
  optOut: z.boolean().optional(),
});
/** A conversation changed (new message, read, closed, assigned, tagged), or was deleted (`deleted`: ids only). */
export const ZConversationChangedEvent = z.object({
  conversationId: z.uuid(),
  /** The conversation is gone (its contact erased, its instance deleted): drop it from the screen. */
  deleted: z.literal(true).optional(),
  instanceId: z.uuid().optional(),
  status: z.enum(["open", "closed"]).optional(),
  unreadCount: z.number().int().optional(),
  assignedTo: z.uuid().nullable().optional(),
});
export const ZBlacklistChangedEvent = z.object({
  op: z.enum(["insert", "update", "delete"]),
  id: z.uuid(),
});

export const ZImportProgressEvent = z.object({
  importId: z.uuid(),
  status: z.enum(["queued", "running", "completed", "failed"]),
  rowsRead: z.number().int(),
  imported: z.number().int(),
  merged: z.number().int(),
  rejected: z.number().int(),
});

export const REALTIME_EVENTS = {
  "instance:status": ZInstanceStatusEvent,
  "instance:qr": ZInstanceQrEvent,
  "instance:health": ZInstanceHealthEvent,
  "campaign:progress": ZCampaignProgressEvent,
  "message:status": ZMessageStatusEvent,
  "message:inbound": ZMessageInboundEvent,
  "conversation:changed": ZConversationChangedEvent,
  "blacklist:changed": ZBlacklistChangedEvent,
  "import:progress": ZImportProgressEvent,
} as const;

export type TRealtimeEventName = keyof typeof REALTIME_EVENTS;
export const ZRealtimeEventName = z.enum(Object.keys(REALTIME_EVENTS) as [TRealtimeEventName, ...TRealtimeEventName[]]);

export type TRealtimeData<N extends TRealtimeEventName> = z.infer<(typeof REALTIME_EVENTS)[N]>;

/** What a client receives for event N. */
export type TRealtimeEnvelope<N extends TRealtimeEventName = TRealtimeEventName> = {
  /** Opaque, ordered; pass the last one seen as `since` when reconnecting. */
  cursor: string;
  type: N;
  orgId: string;
  /** Milliseconds since the epoch when the event was produced (the database change or the worker's publish). */
  at: number;
  data: TRealtimeData<N>;
};

/** What workers publish (see @mirage/queue/realtime): a typed event for one organization. */
export const ZRealtimePublish = z
  .object({ type: ZRealtimeEventName, orgId: z.uuid(), at: z.number().int(), data: z.record(z.string(), z.unknown()) })
  .superRefine((value, ctx) => {
    const result = REALTIME_EVENTS[value.type].safeParse(value.data);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: ["data", ...issue.path] } as never);
    }
  });
export type TRealtimePublish = { [N in TRealtimeEventName]: Omit<TRealtimeEnvelope<N>, "cursor"> }[TRealtimeEventName];

/** socket.io typing: server → client. */
export type ServerToClientEvents = { [N in TRealtimeEventName]: (event: TRealtimeEnvelope<N>) => void } & {
  /** Sent once after catch-up: the client is now receiving live events. */
  "realtime:ready": (info: { cursor: string | null; replayed: number; truncated: boolean }) => void;
};
/** socket.io typing: client → server (nothing yet; subscriptions are implied by the token's organizations). */
export type ClientToServerEvents = Record<string, never>;

/** Handshake `auth` payload. */
export const ZRealtimeHandshake = z.object({
  token: z.string().min(1).max(4096),
  /** Last cursor the client saw: events after it are replayed. */
  since: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, "must be a cursor received from the server")
    .optional(),
});

/** Redis stream every realtime event is appended to (see the gateway and @mirage/queue/realtime). */
export const REALTIME_STREAM = "mirage:realtime";

/**
 * Where each event comes from, one source per type so clients never see an event twice:
 * - Postgres changes (LISTEN mirage_changes): instance:status, campaign:progress, message:status, message:inbound,
 *   conversation:changed, blacklist:changed — except a direct send's own message:status (queued) and
 *   conversation:changed, which the send API appends itself after its commit instead of notifying;
 * - the workers' pub/sub channel (worker-bus WORKER_EVENTS_CHANNEL, "mirage:events"): instance:qr, instance:health;
 * - the contact import job (publishRealtimeEvent): import:progress.
 * A worker's own instance:status publication is not relayed: the status row it writes is.
 */
export const WORKER_RELAYED_EVENTS = ["instance:qr", "instance:health"] as const;
