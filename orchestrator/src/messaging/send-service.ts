import { createHash } from "node:crypto";
import type { TOrgRole } from "@mirage/contracts/enums";
import type { TSendRefusalCode } from "@mirage/contracts/errors";
import { MAX_TEXT_LENGTH } from "@mirage/contracts/messages";
import type { TRealtimePublish } from "@mirage/contracts/realtime";
import type { Database } from "@mirage/db";
import type { MessageView } from "@mirage/db/message-views";
import { findDefaultCountry } from "@mirage/db/organizations";
import { type AcceptedMessage, acceptDirectMessage } from "@mirage/db/send-accept";
import type { Logger } from "@mirage/logger";
import { parsePhoneE164 } from "@mirage/phone";
import type { SendNudger } from "@mirage/queue/send-lanes";
import type { Principal } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import type { SendRateLimiter } from "./rate-limit.ts";

export const SENDERS: readonly TOrgRole[] = ["owner", "admin", "operator"];
/** Who works the inbox (reply, notes, tags, assignment, status): senders, and marketers answering their campaigns. */
export const INBOX_WRITERS: readonly TOrgRole[] = [...SENDERS, "marketer"];
/** What a send can refuse beyond bad input: an empty or oversized text (422), the instance's rate limit (429). */
export const SEND_ERRORS = ["invalid_message", "rate_limited", "instance_unavailable"] as const;

const LID = /^[0-9]{5,20}@lid$/;

/**
 * Numbers already parsed, by what was typed and the default country it was read with: integrations send to the same
 * people again and again, and full libphonenumber parsing is a measurable share of an accept. Only numbers that
 * parsed are kept (a refusal is rare and its message is built anew); least recently used first out.
 */
const RECIPIENTS_KEPT = 5_000;
const parsedRecipients = new Map<string, string>();

/**
 * A recipient as typed: a LID, or a phone number in any written form — with its country code, or national in the
 * organization's default country (`defaultCountry`, ISO 3166-1 alpha-2; null: none, the number needs its code).
 * @throws AppError validation_failed (reasonCode recipient_invalid) saying why the number cannot be read.
 */
export function parseRecipient(
  to: string,
  defaultCountry: string | null,
): { phone: string | null; lid: string | null } {
  const trimmed = to.trim();
  const key = `${defaultCountry ?? ""}|${trimmed}`;
  const known = parsedRecipients.get(key);
  if (known !== undefined) {
    parsedRecipients.delete(key);
    parsedRecipients.set(key, known);
    return { phone: known, lid: null };
  }
  if (LID.test(trimmed)) return { phone: null, lid: trimmed };
  const parsed = parsePhoneE164(trimmed, { defaultCountry });
  if (!parsed.ok) {
    const hint = parsed.reason === "invalid_country" ? " (or set the organization's defaultCountry)" : "";
    throw new AppError("validation_failed", `the recipient ${parsed.message}${hint}`, {
      reasonCode: "recipient_invalid" satisfies TSendRefusalCode,
      errors: [{ path: "body.to", message: `the phone number ${parsed.message}` }],
    });
  }
  if (parsedRecipients.size >= RECIPIENTS_KEPT) {
    const oldest = parsedRecipients.keys().next().value;
    if (oldest !== undefined) parsedRecipients.delete(oldest);
  }
  parsedRecipients.set(key, parsed.e164);
  return { phone: parsed.e164, lid: null };
}

/** Not blank (spaces only is empty) and at most 65,536 characters as written, else 422; answers the text as given. */
export function checkText(text: string): string {
  if (text.trim().length === 0)
    throw new AppError("invalid_message", "the text is empty", { reasonCode: "text_empty" satisfies TSendRefusalCode });
  if (text.length > MAX_TEXT_LENGTH) {
    throw new AppError(
      "invalid_message",
      `the text has ${text.length} characters; WhatsApp allows ${MAX_TEXT_LENGTH}`,
      {
        reasonCode: "text_too_long" satisfies TSendRefusalCode,
      },
    );
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
function ownJid(inst: AcceptedMessage["instance"]): string | null {
  if (inst.waJid) return inst.waJid.replace(/:\d+@/, "@");
  const phone = inst.linkedPhone ?? inst.phone;
  return phone ? `${phone.replace(/^\+/, "")}@s.whatsapp.net` : null;
}

/** Appends realtime events to the stream (publishRealtimeEvent with the orchestrator's stream options). */
export type PublishEvents = (events: TRealtimePublish[]) => Promise<void>;

/**
 * Queues a direct message for sending, answering fast: rate limit (Redis), then one statement as the app role for
 * the verified caller (private.accept_direct_message: role, instance status, idempotent insert, quote, conversation)
 * — one round trip, nothing written when it refuses — then a nudge to the worker hosting the instance. The
 * message's state then follows by socket.io (`message:status`) and webhooks.
 *
 * With `publish`, the statement sends no change notification (a notifying commit is serialized with every other
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
  /**
   * Makes the Redis writes issued until the end of this turn of the event loop leave together (see coalesceWrites):
   * the message's events and its nudge then cost one socket write. They share one connection, so the events are
   * still appended before the worker is nudged.
   */
  coalesce?: () => void;
}) {
  const log = deps.logger.child({ module: "send" });
  const countries = callerDefaultCountries(deps.db);
  const nudge = coalescingNudge(deps.nudger, (err, messageId) =>
    log.warn({ err, messageId }, "could not nudge the worker"),
  );

  /** The message and what goes with it, else the refusal as the API answers it. */
  async function accept(principal: Principal, req: SendRequest, text: string, typingMs: number, hash: string) {
    await deps.db.ready();
    const accepted = await acceptDirectMessage(deps.db.sql, {
      userId: principal.userId,
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
      eventsPublished: deps.publish !== undefined,
      replyTo: req.replyTo ?? null,
    });
    switch (accepted.outcome) {
      case "ok":
        return accepted;
      case "no_org":
        throw new AppError("not_found", "organization not found", {
          reasonCode: "organization_not_found" satisfies TSendRefusalCode,
        });
      case "forbidden": {
        // Marketers answer the people who write to them (inbox replies) but do not send from an instance by API.
        const roles = req.source === "inbox" ? INBOX_WRITERS : SENDERS;
        throw new AppError("forbidden", `this needs one of the roles ${roles.join(", ")}; you are ${accepted.role}`, {
          reasonCode: "role_cannot_send" satisfies TSendRefusalCode,
        });
      }
      case "no_instance":
        throw new AppError("not_found", "instance not found", {
          reasonCode: "instance_not_found" satisfies TSendRefusalCode,
        });
      case "unavailable": {
        const { name, status, statusReason } = accepted.instance;
        const why = statusReason ? ` (${statusReason})` : "";
        // "Until it is connected" read as a connection problem for a number that is connected but restricted.
        const until =
          status === "restricted"
            ? "WhatsApp restricts it, and Mirage sends nothing from it (replies included) until the restriction lifts"
            : "it cannot send until it is connected";
        throw new AppError("instance_unavailable", `instance "${name}" is ${status}${why}: ${until}`, {
          reasonCode: (status === "restricted"
            ? "instance_restricted"
            : "instance_not_connected") satisfies TSendRefusalCode,
        });
      }
      case "conflict":
        throw new AppError(
          "idempotency_conflict",
          "this idempotency key was already used for a different message (instance, recipient, text or typing)",
          { reasonCode: "idempotency_key_reused" satisfies TSendRefusalCode },
        );
      case "reply_not_found":
        throw new AppError(
          "invalid_message",
          `replyTo names no message of this instance (${req.replyTo?.waMessageId ?? ""})`,
          { reasonCode: "reply_to_unknown" satisfies TSendRefusalCode },
        );
      case "erased":
        // Accepting would store the number again (the message, a conversation) that the erasure removed.
        throw new AppError(
          "invalid_message",
          "the recipient was erased at their request: Mirage sends them nothing and keeps nothing about them",
          { reasonCode: "recipient_erased" satisfies TSendRefusalCode },
        );
    }
  }

  return {
    /**
     * A recipient as the caller typed it (see parseRecipient), national numbers read in the organization's default
     * country as the caller may read it (none for an organization they are not in; the send then refuses anyway).
     */
    async recipient(principal: Principal, orgId: string, to: string) {
      // Written with its + (how most integrations send), a number needs no default country: nothing to read.
      const trimmed = to.trim();
      const national = !trimmed.startsWith("+") && !LID.test(trimmed);
      return parseRecipient(trimmed, national ? await countries(principal, orgId) : null);
    },
    async send(principal: Principal, req: SendRequest): Promise<SendResult> {
      const text = checkText(req.text);
      const typingMs = typingMsFor(req.typing, text);
      if (req.expiresAt && req.expiresAt.getTime() <= Date.now()) {
        throw new AppError("validation_failed", "expiresAt must be in the future", {
          reasonCode: "expires_in_past" satisfies TSendRefusalCode,
          errors: [{ path: "body.expiresAt", message: "must be in the future" }],
        });
      }
      if (principal.kind === "api_key" && principal.orgId !== req.orgId) {
        throw new AppError("not_found", "organization not found", {
          reasonCode: "organization_not_found" satisfies TSendRefusalCode,
        });
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
      // Requests read in the same turn of the event loop take their tokens in one write as well.
      deps.coalesce?.();
      await deps.limiter.take(req.instanceId);
      const { message, created, instance, conversation } = await accept(principal, req, text, typingMs, requestHash);
      if (created) {
        const events: TRealtimePublish[] = [messageStatusEvent(message)];
        if (conversation) events.push(conversationEvent(message, req.instanceId, conversation));
        // The row is committed; the answer waits for neither the events nor the nudge: a lost nudge only delays the
        // send until the worker's sweep. With `coalesce`, the nudge follows the events on the same connection
        // without waiting for their answer (Redis runs them in order), in the same write.
        deps.coalesce?.();
        const published = deps.publish
          ? deps.publish(events).catch((err: unknown) => {
              log.warn({ err, messageId: message.id }, "could not publish the message's realtime events");
            })
          : Promise.resolve();
        const workerId = instance.workerId;
        if (workerId && deps.coalesce) nudge(workerId, req.instanceId, message.id);
        else if (workerId) void published.then(() => nudge(workerId, req.instanceId, message.id));
      }
      return { message, created, instanceJid: ownJid(instance) };
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
  m: MessageView,
  instanceId: string,
  c: NonNullable<AcceptedMessage["conversation"]>,
): TRealtimePublish {
  return {
    type: "conversation:changed",
    orgId: m.orgId,
    at: Date.now(),
    data: {
      conversationId: c.id,
      instanceId,
      status: c.status,
      unreadCount: c.unreadCount,
      assignedTo: c.assignedTo,
    },
  };
}

/**
 * The organization's default country read as the caller (RLS: null for an organization they are not in), kept 30 s
 * per caller and organization because every send reads it. A change to it reaches sends within those 30 s.
 */
function callerDefaultCountries(db: Database, keepMs = 30_000) {
  const kept = new Map<string, { country: string | null; until: number }>();
  return async (principal: Principal, orgId: string): Promise<string | null> => {
    const key = `${principal.userId}|${orgId}`;
    const hit = kept.get(key);
    if (hit && hit.until > Date.now()) return hit.country;
    const country = await db.asUser(principal.claims, (tx) => findDefaultCountry(tx, orgId));
    if (kept.size >= 10_000) {
      const oldest = kept.keys().next().value;
      if (oldest !== undefined) kept.delete(oldest);
    }
    kept.delete(key);
    kept.set(key, { country, until: Date.now() + keepMs });
    return country;
  };
}
