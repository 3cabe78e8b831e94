import { createHash } from "node:crypto";
import type { TOrgRole } from "@mirage/contracts/enums";
import { MAX_TEXT_LENGTH } from "@mirage/contracts/messages";
import type { Database, Tx } from "@mirage/db";
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

export type SendResult = { message: MessageView; created: boolean };

/**
 * Queues a direct message for sending, answering fast: rate limit (Redis), then one transaction as the caller —
 * role, instance status, idempotent insert — then a nudge to the worker hosting the instance. The message's state
 * then follows by socket.io (`message:status`) and webhooks.
 */
export function createSendService(deps: {
  db: Database;
  limiter: SendRateLimiter;
  nudger: SendNudger;
  logger: Logger;
}) {
  const log = deps.logger.child({ module: "send" });

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
      const { message, created, workerId } = await deps.db.asUser(principal.claims, async (tx) => {
        const { instance, queued } = await enqueue(tx, req, text, typingMs, requestHash);
        if (!queued.created && queued.storedHash !== requestHash) {
          throw new AppError(
            "idempotency_conflict",
            "this idempotency key was already used for a different message (instance, recipient, text or typing)",
          );
        }
        if (queued.created && req.replyTo) await quote(tx, req.orgId, req.instanceId, queued.messageId, req.replyTo);
        const view = await findMessageView(tx, req.orgId, queued.messageId);
        if (!view) throw new AppError("not_found", "message not found");
        return { message: view, created: queued.created, workerId: instance.workerId };
      });
      if (created && workerId) {
        // The row is committed; the answer does not wait for the nudge: a lost one only delays the send until the
        // worker's sweep.
        void deps.nudger
          .nudge(workerId, { instanceId: req.instanceId, messageId: message.id })
          .catch((err: unknown) => log.warn({ err, messageId: message.id }, "could not nudge the worker"));
      }
      return { message, created };
    },
  };
}

export type SendService = ReturnType<typeof createSendService>;
