import { createHash } from "node:crypto";
import type { TOrgRole } from "@mirage/contracts/enums";
import { MAX_TEXT_LENGTH } from "@mirage/contracts/messages";
import type { TRealtimePublish } from "@mirage/contracts/realtime";
import type { Database, Tx } from "@mirage/db";
import { publishEventsMyself } from "@mirage/db/changes";
import { findConversationEvent } from "@mirage/db/conversations";
import { findInstanceView, type InstanceView } from "@mirage/db/instances";
import { findOwnRole } from "@mirage/db/members";
import {
  enqueueDirectMessage,
  findMessageView,
  findQuotable,
  type MessageView,
  setOutboundReplyTo,
} from "@mirage/db/message-views";
import type { Logger } from "@mirage/logger";
import { parsePhone } from "@mirage/phone";
import type { SendNudger } from "@mirage/queue/send-lanes";
import type { Principal } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import type { SendRateLimiter } from "./rate-limit.ts";

export const SENDERS: readonly TOrgRole[] = ["owner", "admin", "operator"];
/** Who works the inbox (reply, notes, tags, assignment, status): senders, and marketers answering their campaigns. */
export const INBOX_WRITERS: readonly TOrgRole[] = [...SENDERS, "marketer"];
/** What a send can refuse beyond bad input: an empty or oversized text (422), the instance's rate limit (429). */
export const SEND_ERRORS = ["invalid_message", "rate_limited", "instance_unavailable"] as const;

/** Instance statuses that accept messages; anything else is a 409 that names the status. */
const CAN_SEND = new Set(["connected", "degraded"]);

const LID = /^[0-9]{5,20}@lid$/;

/** A recipient as typed: a phone number in any written form with its country code, or a LID. */
export function parseRecipient(to: string): { phone: string | null; lid: string | null } {
  const trimmed = to.trim();
  if (LID.test(trimmed)) return { phone: null, lid: trimmed };
  const parsed = parsePhone(trimmed);
  if (!parsed.ok) {
    throw new AppError("validation_failed", `the recipient ${parsed.message}`, {
      errors: [{ path: "body.to", message: `the phone number ${parsed.message}` }],
    });
  }
  return { phone: parsed.phone.e164, lid: null };
}

/** 1 to 65,536 characters once trimmed, else 422. Returns the text as given (leading spaces can be intended). */
export function checkText(text: string): string {
  if (text.trim().length === 0) throw new AppError("invalid_message", "the text is empty");
  if (text.length > MAX_TEXT_LENGTH) {
    throw new AppError("invalid_message", `the text has ${text.length} characters; WhatsApp allows ${MAX_TEXT_LENGTH}`);
  }
  return text;
}

/** "typing…" time: `true` is proportional to the text (50 ms a character, 0.6 to 8 s). */
export function typingMsFor(typing: boolean | number | undefined, text: string): number {
  if (typing === true) return Math.min(8_000, Math.max(600, text.length * 50));
  if (typeof typing === "number") return typing;
  return 0;
}

export type SendRequest = {
  orgId: string;
  instanceId: string;
  recipient: { phone: string | null; lid: string | null };
  text: string;
  clientRef: string | null;
  typing: boolean | number | undefined;
  source: "api" | "inbox";
  /**
   * The message this one replies to, by WhatsApp id, looked up among the instance's received and sent messages.
   * Not found: 422 when `required`, else quoted with the caller's `fromMe`/`text` when it gave a text (Evolution's
   * `quoted.message`), else sent without the quote (as Evolution does).
   */
  replyTo?: { waMessageId: string; required: boolean; fromMe?: boolean; text?: string } | undefined;
  /** Cancel instead of sending late (see the request's `expiresAt`); must be in the future. */
  expiresAt?: Date | null;
};

export type SendResult = {
  message: MessageView;
  created: boolean;
  /** The sending instance's own WhatsApp id (`5511…@s.whatsapp.net`, no device part), when it is known. */
  instanceJid: string | null;
};

/** An instance's own WhatsApp id without the device part, else its number's; null when neither is known. */
function ownJid(inst: InstanceView): string | null {
  if (inst.waJid) return inst.waJid.replace(/:\d+@/, "@");
  const phone = inst.linkedPhone ?? inst.phone;
  return phone ? `${phone.replace(/^\+/, "")}@s.whatsapp.net` : null;
}

/** Appends realtime events to the stream (publishRealtimeEvent with the orchestrator's stream options). */
export type PublishEvents = (events: TRealtimePublish[]) => Promise<void>;

/**
 * Queues a direct message for sending, answering fast: rate limit (Redis), then one transaction as the caller —
 * role, instance status, idempotent insert — then a nudge to the worker hosting the instance. The message's state
 * then follows by socket.io (`message:status`) and webhooks.
 *
 * With `publish`, the transaction sends no change notification (a notifying commit is serialized with every other
 * one on the server) and the service appends the new message's `message:status` and its conversation's
 * `conversation:changed` to the realtime stream itself, after the commit and before the nudge (so `queued` precedes
 * what the worker does). Without it, the database's change notifications carry them as for any other write.
 */
export function createSendService(deps: {
  db: Database;
  limiter: SendRateLimiter;
  nudger: SendNudger;
  logger: Logger;
  publish?: PublishEvents;
}) {
  const log = deps.logger.child({ module: "send" });
  const nudge = coalescingNudge(deps.nudger, (err, messageId) =>
    log.warn({ err, messageId }, "could not nudge the worker"),
  );

  /** The instance may send now, else 409 naming its status; 404 when the organization has no such instance. */
  function checkInstance(inst: InstanceView | undefined) {
    if (!inst) throw new AppError("not_found", "instance not found");
    if (!CAN_SEND.has(inst.status)) {
      const why = inst.statusReason ? ` (${inst.statusReason})` : "";
      throw new AppError(
        "instance_unavailable",
        `instance "${inst.name}" is ${inst.status}${why}: it cannot send until it is connected`,
      );
    }
    return inst;
  }

  /** Stores what the new message quotes, in the transaction that queued it (so it is sent with it or not at all). */
  async function quote(
    tx: Tx,
    orgId: string,
    instanceId: string,
    messageId: number,
    replyTo: NonNullable<SendRequest["replyTo"]>,
  ): Promise<void> {
    const found = await findQuotable(tx, { orgId, instanceId, waMessageId: replyTo.waMessageId });
    const quoted =
      found ?? (replyTo.text !== undefined ? { fromMe: replyTo.fromMe ?? false, text: replyTo.text } : undefined);
    if (!quoted) {
      if (!replyTo.required) return;
      throw new AppError("invalid_message", `replyTo names no message of this instance (${replyTo.waMessageId})`);
    }
    await setOutboundReplyTo(tx, { orgId, messageId, waId: replyTo.waMessageId, ...quoted });
  }

  /**
   * The caller's role, the instance and the idempotent insert, pipelined in one round trip of one transaction (the
   * statements run in order on its connection). The checks are read in order afterwards; a refusal throws, which
   * rolls the insert back, so nothing is queued for a caller or an instance that may not send.
   */
  async function enqueue(tx: Tx, req: SendRequest, text: string, typingMs: number, hash: string) {
    if (deps.publish) void publishEventsMyself(tx).catch(() => undefined);
    const [role, inst, queued] = await Promise.allSettled([
      findOwnRole(tx, req.orgId),
      findInstanceView(tx, req.orgId, req.instanceId),
      enqueueDirectMessage(tx, {
        orgId: req.orgId,
        instanceId: req.instanceId,
        phone: req.recipient.phone,
        lid: req.recipient.lid,
        body: text,
        clientRef: req.clientRef,
        requestHash: hash,
        typingMs,
        source: req.source,
        expiresAt: req.expiresAt ?? null,
      }),
    ]);
    if (role.status === "rejected") throw role.reason;
    if (!role.value) throw new AppError("not_found", "organization not found");
    // Marketers answer the people who write to them (inbox replies) but do not send from an instance through the API.
    const roles = req.source === "inbox" ? INBOX_WRITERS : SENDERS;
    if (!roles.includes(role.value)) {
      throw new AppError("forbidden", `this needs one of the roles ${roles.join(", ")}; you are ${role.value}`);
    }
    if (inst.status === "rejected") throw inst.reason;
    const instance = checkInstance(inst.value);
    if (queued.status === "rejected") throw queued.reason;
    return { instance, queued: queued.value };
  }

  return {
    async send(principal: Principal, req: SendRequest): Promise<SendResult> {
      const text = checkText(req.text);
      const typingMs = typingMsFor(req.typing, text);
      if (req.expiresAt && req.expiresAt.getTime() <= Date.now()) {
        throw new AppError("validation_failed", "expiresAt must be in the future", {
          errors: [{ path: "body.expiresAt", message: "must be in the future" }],
        });
      }
      if (principal.kind === "api_key" && principal.orgId !== req.orgId) {
        throw new AppError("not_found", "organization not found");
      }
      const requestHash = createHash("sha256")
        .update(
          JSON.stringify([
            req.instanceId,
            req.recipient.phone,
            req.recipient.lid,
            text,
            typingMs,
            ...(req.replyTo ? [req.replyTo.waMessageId] : []),
          ]),
        )
        .digest("hex");
      await deps.limiter.take(req.instanceId);
      const { message, created, workerId, events, instanceJid } = await deps.db.asUser(principal.claims, async (tx) => {
        const { instance, queued } = await enqueue(tx, req, text, typingMs, requestHash);
        if (!queued.created && queued.storedHash !== requestHash) {
          throw new AppError(
            "idempotency_conflict",
            "this idempotency key was already used for a different message (instance, recipient, text or typing)",
          );
        }
        if (queued.created && req.replyTo) await quote(tx, req.orgId, req.instanceId, queued.messageId, req.replyTo);
        const [view, conversation] = await Promise.all([
          findMessageView(tx, req.orgId, queued.messageId),
          deps.publish && queued.created && queued.conversationId
            ? findConversationEvent(tx, queued.conversationId)
            : undefined,
        ]);
        if (!view) throw new AppError("not_found", "message not found");
        const events: TRealtimePublish[] = [];
        if (queued.created) events.push(messageStatusEvent(view));
        if (queued.conversationId && conversation) events.push(conversationEvent(queued.conversationId, conversation));
        return {
          message: view,
          created: queued.created,
          workerId: instance.workerId,
          events,
          instanceJid: ownJid(instance),
        };
      });
      if (created) {
        // The row is committed; the answer waits for neither the events nor the nudge: a lost nudge only delays the
        // send until the worker's sweep.
        const published =
          deps.publish && events.length > 0
            ? deps.publish(events).catch((err: unknown) => {
                log.warn({ err, messageId: message.id }, "could not publish the message's realtime events");
              })
            : Promise.resolve();
        if (workerId) void published.then(() => nudge(workerId, req.instanceId, message.id));
      }
      return { message, created, instanceJid };
    },
  };
}

export type SendService = ReturnType<typeof createSendService>;

/**
 * At most one nudge in flight per instance. The worker's lane claims every due row of the instance when woken, so
 * nudges asked for while one is on its way become a single follow-up, sent once it is answered: that one is issued
 * after their rows were committed, so the worker wakes after them and finds them. Under load this turns a queue job
 * per message into a few per instance; when quiet, every message still gets its own, at once.
 */
function coalescingNudge(nudger: SendNudger, onError: (err: unknown, messageId: number) => void) {
  const waiting = new Map<string, { workerId: string; messageId: number } | null>();
  const nudge = (workerId: string, instanceId: string, messageId: number): void => {
    if (waiting.has(instanceId)) {
      waiting.set(instanceId, { workerId, messageId });
      return;
    }
    waiting.set(instanceId, null);
    void nudger
      .nudge(workerId, { instanceId, messageId })
      .catch((err: unknown) => onError(err, messageId))
      .finally(() => {
        const next = waiting.get(instanceId);
        waiting.delete(instanceId);
        if (next) nudge(next.workerId, instanceId, next.messageId);
      });
  };
  return nudge;
}

/** What the change relay would have said about the new message (its state, its instance). */
function messageStatusEvent(m: MessageView): TRealtimePublish {
  return {
    type: "message:status",
    orgId: m.orgId,
    at: Date.now(),
    data: { messageId: m.id, state: m.state, campaignId: m.campaignId, instanceId: m.instanceId },
  };
}

/** What the change relay would have said about the message's conversation, once, as it is after the insert. */
function conversationEvent(
  conversationId: string,
  c: NonNullable<Awaited<ReturnType<typeof findConversationEvent>>>,
): TRealtimePublish {
  const { orgId, ...data } = c;
  return { type: "conversation:changed", orgId, at: Date.now(), data: { conversationId, ...data } };
}
