import type { Database } from "@mirage/db";
import { findSendBlock, rememberPeerLid } from "@mirage/db/messaging-settings";
import { finishUnsent, markSending } from "@mirage/db/outbound-messages";
import { claimForSend, releaseClaim, type SendWork } from "@mirage/db/send-claims";
import type { Logger } from "@mirage/logger";
import { LRUCache } from "lru-cache";
import { type NotReadyReason, SessionNotReadyError, type SessionsPort } from "../sessions/index.ts";
import type { CarriedWork } from "./carried-work.ts";
import type { NumberResolver } from "./resolver.ts";

/** What happened to one message handed to the send module. */
export type SendOutcome =
  /** Written to WhatsApp under `waMessageId`; the row is `sending` until receipts move it. */
  | { outcome: "sending"; messageId: number; waMessageId: string }
  /** The instance cannot send now: the message is back in the queue, untouched. */
  | { outcome: "deferred"; messageId: number; reason: NotReadyReason }
  | { outcome: "skipped"; messageId: number; reason: string }
  | { outcome: "failed"; messageId: number; reason: string }
  /** Cancelled while it was being prepared (an opt-out, a person, or its deadline `expired`): nothing was sent. */
  | { outcome: "cancelled"; messageId: number; reason?: "expired" };

/**
 * A caller's own checks at send time (the campaign engine: quiet hours, caps, reply since planning…), run after the
 * module's own readiness check and before anything reaches WhatsApp. `skip` ends the message `skipped` with that
 * reason; `defer` puts it back in the queue.
 */
export type SendGuard = (work: SendWork) => Promise<{ skip: string } | { defer: NotReadyReason } | undefined>;

export type SendOptions = {
  guard?: SendGuard;
  /** A number that is not on WhatsApp fails the message (API) or skips it (campaigns). Default "fail". */
  notOnWhatsApp?: "fail" | "skip";
  /** Overrides the row's typing time, in ms. */
  typingMs?: number;
};

export type Sender = ReturnType<typeof createSender>;

/** A number's LID learned by its on-WhatsApp check, to record on the contact and conversation. */
type PeerLid = { orgId: string; instanceId: string; phone: string; lid: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The one send module every send goes through (API, inbox, campaigns). At most once: the row is claimed with
 * SKIP LOCKED, checked (instance ready, blacklist and consent, the caller's guard), its recipient resolved to the id
 * WhatsApp has, then it becomes `sending` with a freshly generated WhatsApp message id — committed — and only then is
 * the frame written. A crash before the commit leaves it claimed (requeued at recovery, never sent); a crash after
 * leaves it `sending` (→ `unknown` at recovery, reconciled by receipts, never resent).
 */
export function createSender(deps: {
  db: Database;
  sessions: SessionsPort;
  resolver: NumberResolver;
  logger: Logger;
  /** Asked at each `sending` commit for work to carry in the same transaction. */
  carry?: () => CarriedWork | undefined;
}) {
  const { db, sessions, resolver } = deps;
  const log = deps.logger.child({ module: "sender" });
  // Phone ↔ LID pairs already written to the contact and conversation: recording them is idempotent, so a repeat is
  // skipped for a while instead of costing a transaction per message (the `sending` row carries the LID anyway).
  const remembered = new LRUCache<string, true>({ max: 20_000, ttl: 10 * 60_000 });
  const peerKey = (work: SendWork, lid: string) => `${work.orgId}:${work.instanceId}:${work.recipientPhone}:${lid}`;

  const end = async (work: SendWork, to: "failed" | "skipped", code: string, message?: string, from = ["claimed"]) => {
    await db.asService((tx) =>
      finishUnsent(tx, { id: work.id, from: from as never, to, code, ...(message ? { message } : {}) }),
    );
    return { outcome: to, messageId: work.id, reason: code } as const;
  };
  const defer = async (work: SendWork, reason: NotReadyReason): Promise<SendOutcome> => {
    await db.asService((tx) => releaseClaim(tx, work.id));
    return { outcome: "deferred", messageId: work.id, reason };
  };

  const blockOf = (tx: Parameters<Parameters<Database["asService"]>[0]>[0], work: SendWork) =>
    findSendBlock(tx, {
      orgId: work.orgId,
      phone: work.recipientPhone,
      lid: work.recipientLid,
      contactId: work.contactId,
    });

  /**
   * Sends a message the caller already claimed (state `claimed`). `checked` carries the blacklist verdict when the
   * caller read it in the claim's transaction.
   */
  async function deliver(
    work: SendWork,
    opts: SendOptions = {},
    checked?: { block: Awaited<ReturnType<typeof findSendBlock>> },
  ): Promise<SendOutcome> {
    const progress = { committed: false };
    try {
      return await attempt(work, opts, checked, progress);
    } catch (err) {
      // Anything unexpected (a database hiccup, a guard that threw) must not strand the row `claimed`: before the
      // `sending` commit it goes back to the queue; after it, the write's fate is unknown and it is never retried.
      log.error({ err, messageId: work.id }, "sending failed unexpectedly");
      if (!progress.committed) {
        await db.asService((tx) => releaseClaim(tx, work.id)).catch(() => undefined);
        return { outcome: "deferred", messageId: work.id, reason: "not_connected" };
      }
      throw err;
    }
  }

  /**
   * Everything before the write, with nothing sent: instance ready, the caller's guard, blacklist and consent, the
   * recipient resolved to the id WhatsApp has. Answers where to write, or how the message ended (released to the
   * queue when the instance cannot send now).
   */
  async function check(
    work: SendWork,
    opts: SendOptions,
    checked?: { block: Awaited<ReturnType<typeof findSendBlock>> },
  ): Promise<{ jid: string; lid: string | null; peer?: PeerLid } | SendOutcome> {
    const ready = sessions.canSend(work.instanceId);
    if (!ready.ok && (ready.reason === "not_hosted" || ready.reason === "not_connected")) {
      return defer(work, ready.reason);
    }
    if (opts.guard) {
      const verdict = await opts.guard(work);
      if (verdict && "skip" in verdict) return end(work, "skipped", verdict.skip);
      if (verdict && "defer" in verdict) return defer(work, verdict.defer);
    }
    // Checked again now, not only when the message was planned or accepted: an opt-out may have arrived since.
    const block = checked ? checked.block : await db.asService((tx) => blockOf(tx, work));
    if (block) return end(work, "skipped", block);

    let jid: string;
    let lid: string | null = work.recipientLid;
    let peer: PeerLid | undefined;
    if (work.recipientPhone) {
      // Baileys looks up the number's LID mapping during an on-WhatsApp check: the claim read it (or found none).
      if (work.lidMappingKey !== undefined) {
        await sessions.absorbStoredKeys(work.instanceId, [
          { type: "lid-mapping", id: work.recipientPhone.replace(/^\+/, ""), stored: work.lidMappingKey },
        ]);
      }
      let resolution: Awaited<ReturnType<NumberResolver["resolve"]>>;
      try {
        resolution = await resolver.resolve(work.instanceId, work.recipientPhone, work.waLookup);
      } catch (err) {
        if (err instanceof SessionNotReadyError) return defer(work, err.reason);
        log.warn({ err, messageId: work.id }, "on-WhatsApp check failed; the message stays queued");
        return defer(work, "not_connected");
      }
      if (!resolution.onWhatsApp) {
        return end(
          work,
          opts.notOnWhatsApp === "skip" ? "skipped" : "failed",
          "not_on_whatsapp",
          "WhatsApp has no account with this number (Brazilian mobiles were tried with and without the ninth digit)",
        );
      }
      jid = resolution.jid;
      lid ??= resolution.lid;
      // A LID Mirage had not stored for the number (its first message: the claim's verdict could not match it) is
      // checked now — someone who opted out known only by that LID is not messaged. Later sends find it stored.
      if (resolution.lid && !work.recipientLid && !work.waLookup?.lid) {
        const late = await db.asService((tx) =>
          findSendBlock(tx, {
            orgId: work.orgId,
            phone: work.recipientPhone,
            lid: resolution.lid,
            contactId: work.contactId,
          }),
        );
        if (late) return end(work, "skipped", late);
      }
      // Recorded by the `sending` commit, not a transaction of its own.
      if (resolution.lid && !work.recipientLid && !remembered.has(peerKey(work, resolution.lid))) {
        peer = { orgId: work.orgId, instanceId: work.instanceId, phone: work.recipientPhone, lid: resolution.lid };
      }
    } else if (work.recipientLid) {
      jid = work.recipientLid;
    } else {
      return end(work, "failed", "no_recipient");
    }
    return { jid, lid, ...(peer ? { peer } : {}) };
  }

  async function attempt(
    work: SendWork,
    opts: SendOptions,
    checked: { block: Awaited<ReturnType<typeof findSendBlock>> } | undefined,
    progress: { committed: boolean },
  ): Promise<SendOutcome> {
    const target = await check(work, opts, checked);
    if ("outcome" in target) return target;
    const { jid, lid, peer } = target;

    const typingMs = opts.typingMs ?? work.typingMs;
    if (typingMs > 0) {
      // "typing…" while the row is still only claimed: a crash here requeues it, and nothing was sent. It prepares
      // the chat (device list, sessions): the keys that needs are read first, in one transaction.
      try {
        if (lid) await sessions.prefetchPeerKeys(work.instanceId, lid);
        await sessions.setPresence(work.instanceId, jid, "composing");
        await sleep(typingMs);
      } catch (err) {
        if (err instanceof SessionNotReadyError) return defer(work, err.reason);
        throw err;
      }
    }

    // Last look before the point of no return: the socket may have dropped while typing.
    const still = sessions.canSend(work.instanceId);
    if (!still.ok && (still.reason === "not_hosted" || still.reason === "not_connected")) {
      return defer(work, still.reason);
    }
    const waMessageId = sessions.newMessageId(work.instanceId);
    // The ratchet steps of the messages written before this one ride in this commit (one round trip for both): they
    // are durable before this message's write, as the key store promises (sessions/signal-key-cache.ts).
    const keys = await sessions.takeSignalKeyWrites(work.instanceId);
    // Receipts of earlier messages too, and the ratchet steps other numbers of this worker have waiting for a
    // carrier: the transaction is one round trip whatever it carries.
    const carried = deps.carry?.();
    const others = sessions.takeOtherSignalKeyWrites(work.instanceId);
    /** Per carried instance, whether its host still holds it (its fence), once the statements answered. */
    let othersHeld: boolean[] | undefined;
    const settleOthers = (failed?: unknown) => {
      for (const [i, o] of others.entries()) {
        o.settle(othersHeld === undefined ? { failed } : othersHeld[i] === false ? "fenced" : "committed");
      }
    };
    let marked: Awaited<ReturnType<typeof markSending>>;
    try {
      marked = await db.asServicePipelined(async (tx) => {
        const held = keys?.write(tx);
        const othersWritten = Promise.all(others.map((o) => o.write(tx)));
        const applied = carried?.apply(tx);
        const linked = peer ? rememberPeerLid(tx, peer) : undefined;
        // A first message to someone reads their Signal session and privacy token, which Baileys would read one at
        // a time: here, in this commit's round trip (nothing is read when they are in memory already).
        const peerKeys = lid ? sessions.prefetchPeerKeys(work.instanceId, lid, tx) : undefined;
        const mark = markSending(tx, {
          id: work.id,
          waMessageId,
          recipientJid: jid,
          recipientLid: lid,
          instanceId: work.instanceId,
          ...(keys ? { fence: keys.fence } : {}),
        });
        const [stillHeld, state, , , , heldOthers] = await Promise.all([
          held,
          mark,
          applied,
          linked,
          peerKeys,
          othersWritten,
        ]);
        othersHeld = heldOthers;
        // Another worker holds the instance now: the keys were not written and the row not marked (same fence).
        if (stillHeld === false) throw new SessionNotReadyError(work.instanceId, "not_hosted", null);
        return state;
      });
      keys?.settle("committed");
      carried?.settle(true);
      settleOthers();
      if (peer) remembered.set(peerKey(work, peer.lid), true);
    } catch (err) {
      const fenced = err instanceof SessionNotReadyError;
      keys?.settle(fenced ? "fenced" : { failed: err });
      // Rolled back with the mark (a fenced transaction committed, but neither statement changed anything it holds).
      carried?.settle(fenced);
      // Committed with it when only this instance's fence failed: each carried instance by its own fence.
      if (!fenced) othersHeld = undefined;
      settleOthers(err);
      if (fenced) return defer(work, err.reason);
      throw err;
    }
    if (marked !== "sending") {
      if (typingMs > 0) await sessions.setPresence(work.instanceId, jid, "paused").catch(() => undefined);
      return { outcome: "cancelled", messageId: work.id, ...(marked === "expired" ? { reason: "expired" } : {}) };
    }
    progress.committed = true;
    try {
      await sessions.sendText({
        instanceId: work.instanceId,
        to: jid,
        text: work.body,
        messageId: waMessageId,
        ...(work.replyTo ? { quoted: work.replyTo } : {}),
      });
    } catch (err) {
      // The row says `sending`, and it stays at most once: a failed write is recorded as failed, never retried.
      const code = err instanceof SessionNotReadyError ? `instance_${err.reason}` : "send_error";
      log.warn({ err, messageId: work.id, waMessageId }, "the socket refused a message");
      return end(work, "failed", code, err instanceof Error ? err.message.slice(0, 500) : undefined, ["sending"]);
    }
    if (!lid && work.recipientPhone) void learnLid(work, work.recipientPhone);
    return { outcome: "sending", messageId: work.id, waMessageId };
  }

  /** After a first send, WhatsApp's device list has told the socket the number's LID: keep it (in the background). */
  async function learnLid(work: SendWork, phone: string): Promise<void> {
    try {
      const again = await resolver.refresh(work.instanceId, phone);
      if (!again.onWhatsApp || !again.lid) return;
      const peer = { orgId: work.orgId, instanceId: work.instanceId, phone, lid: again.lid, messageId: work.id };
      await db.asService((tx) => rememberPeerLid(tx, peer));
    } catch (err) {
      log.debug({ err, messageId: work.id }, "could not learn the recipient's LID");
    }
  }

  return {
    deliver,
    /**
     * The first half of a send with "typing…" shown by the caller's own delayed job (the campaign chain: nothing
     * sleeps in a job): the claimed message is checked as `deliver` would (guard, blacklist, on-WhatsApp) and the chat
     * shows "typing…"; the row stays `claimed`, nothing is written. The caller later calls `deliver` (which checks
     * everything again, so a pause or an opt-out during the typing stops it) or the claim is released. Answers
     * `composing`, or how the message ended (as `deliver` would).
     */
    async compose(
      work: SendWork,
      opts: SendOptions = {},
    ): Promise<{ outcome: "composing"; messageId: number } | SendOutcome> {
      try {
        const target = await check(work, opts);
        if ("outcome" in target) return target;
        // "typing…" prepares the chat (device list, sessions): the keys it needs, read in one transaction.
        if (target.lid) await sessions.prefetchPeerKeys(work.instanceId, target.lid);
        await sessions.setPresence(work.instanceId, target.jid, "composing");
        return { outcome: "composing", messageId: work.id };
      } catch (err) {
        if (!(err instanceof SessionNotReadyError)) log.error({ err, messageId: work.id }, "composing failed");
        await db.asService((tx) => releaseClaim(tx, work.id)).catch(() => undefined);
        return {
          outcome: "deferred",
          messageId: work.id,
          reason: err instanceof SessionNotReadyError ? err.reason : "not_connected",
        };
      }
    },
    /**
     * Claims and sends one message of `instanceId`: `messageId` (a campaign chain's next recipient) or, without it,
     * the next due direct message (API, inbox). Undefined when there is nothing to claim.
     */
    async sendNext(
      instanceId: string,
      opts: SendOptions & { messageId?: number } = {},
    ): Promise<SendOutcome | undefined> {
      const claimed = await db.asServicePipelined((tx) =>
        claimForSend(tx, { instanceId, ...(opts.messageId ? { messageId: opts.messageId } : {}) }),
      );
      if (!claimed) return undefined;
      // The blacklist and consent verdict came with the claim (same statement, same moment).
      const { block, ...work } = claimed;
      return deliver(work, opts, { block: block ?? undefined });
    },
  };
}
