import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { Logger } from "@mirage/logger";
import { generateMessageIDV2 } from "@whiskeysockets/baileys";
import type { HealthTracker } from "./health.ts";
import type { Session } from "./session.ts";
import {
  type InboundMessage,
  type Receipt,
  type SendReadiness,
  SessionNotReadyError,
  type SessionsPort,
  type SignalKeyWrites,
  type StoredKey,
} from "./types.ts";

/** How long a reaction waits for WhatsApp's ack before it is written again, ms, and how often it is written. */
const REACTION_ACK_MS = 5_000;
const REACTION_ATTEMPTS = 2;

/** What the port reads of one hosted instance; the host owns these objects, the port never changes them. */
export type HostedView = {
  orgId: string;
  status: TInstanceStatus;
  session?: Session | undefined;
  auth?:
    | {
        takeKeyWrites(): Promise<SignalKeyWrites | undefined>;
        takeKeyWritesIfIdle(): SignalKeyWrites | undefined;
        absorbStoredKeys(keys: StoredKey[]): Promise<void>;
      }
    | undefined;
  health: HealthTracker;
  stopping: boolean;
};

/**
 * Builds the port over the host's table of instances. `emitReceipt` / `emitInbound` are for the host: it calls them
 * for every receipt and inbound message its sessions report, and they fan out to the subscribers.
 */
export function createSessionsPort(
  lookup: (instanceId: string) => HostedView | undefined,
  logger: Logger,
  /** Every instance hosted here, by id (for work one transaction can carry for all of them). */
  all: () => Iterable<[string, HostedView]> = () => [],
) {
  const receiptListeners = new Set<(r: Receipt) => void>();
  const inboundListeners = new Set<(m: InboundMessage) => void>();

  const fanOut = <T>(listeners: Set<(v: T) => void>, value: T) => {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (err) {
        logger.error({ err }, "sessions port listener failed");
      }
    }
  };

  function readiness(instanceId: string): SendReadiness {
    const h = lookup(instanceId);
    if (!h || h.stopping) return { ok: false, reason: "not_hosted", status: h?.status ?? null };
    if (!h.session || !h.health.connected) return { ok: false, reason: "not_connected", status: h.status };
    const now = Date.now();
    if (h.health.restrictedUntil !== null && h.health.restrictedUntil > now) {
      return { ok: false, reason: "restricted", status: h.status, until: new Date(h.health.restrictedUntil) };
    }
    if (h.status === "degraded") return { ok: false, reason: "not_delivering", status: h.status };
    if (h.status !== "connected" && h.status !== "restricted") {
      return { ok: false, reason: "not_connected", status: h.status };
    }
    return { ok: true };
  }

  /** The live session, or the reason there is none. Restricted instances may still write to existing chats. */
  function sessionFor(instanceId: string): Session {
    const ready = readiness(instanceId);
    if (!ready.ok && ready.reason !== "restricted" && ready.reason !== "not_delivering") {
      throw new SessionNotReadyError(instanceId, ready.reason, ready.status);
    }
    const session = lookup(instanceId)?.session;
    if (!session) throw new SessionNotReadyError(instanceId, "not_connected", lookup(instanceId)?.status ?? null);
    return session;
  }

  const port: SessionsPort = {
    canSend: readiness,
    newMessageId(instanceId) {
      const session = instanceId ? lookup(instanceId)?.session : undefined;
      return session ? session.newMessageId() : generateMessageIDV2();
    },
    async sendText({ instanceId, to, text, messageId, quoted }) {
      const id = await sessionFor(instanceId).sendText(to, text, messageId, quoted);
      return { messageId: id };
    },
    async setPresence(instanceId, to, state) {
      await sessionFor(instanceId).sendTyping(to, state);
    },
    async setAccountPresence(instanceId, state, pushName) {
      await sessionFor(instanceId).setAccountPresence(state, pushName);
    },
    async sendReadReceipts(instanceId, keys) {
      await sessionFor(instanceId).readMessages(keys);
    },
    async sendReaction(instanceId, remoteJid, id, emoji) {
      // A reaction written to a socket that then drops would be lost without a word (it has no row, no receipts):
      // it counts once WhatsApp acknowledged it, and is written again otherwise — under the same id, which WhatsApp
      // keeps once — on whatever socket the instance has by then.
      const messageId = sessionFor(instanceId).newMessageId();
      for (let attempt = 0; attempt < REACTION_ATTEMPTS; attempt++) {
        if (await sessionFor(instanceId).react(remoteJid, id, emoji, messageId, REACTION_ACK_MS)) return messageId;
      }
      throw new SessionNotReadyError(instanceId, "not_connected", lookup(instanceId)?.status ?? null);
    },
    async resolveNumber(instanceId, candidatesE164) {
      const found = await sessionFor(instanceId).onWhatsApp(candidatesE164);
      return found ? { onWhatsApp: true, ...found } : { onWhatsApp: false };
    },
    async absorbStoredKeys(instanceId, keys) {
      await lookup(instanceId)?.auth?.absorbStoredKeys(keys);
    },
    async prefetchPeerKeys(instanceId, lid, tx) {
      await lookup(instanceId)?.session?.prefetchPeerKeys(lid, tx);
    },
    async takeSignalKeyWrites(instanceId) {
      return lookup(instanceId)?.auth?.takeKeyWrites();
    },
    takeOtherSignalKeyWrites(instanceId) {
      const taken: SignalKeyWrites[] = [];
      for (const [id, h] of all()) {
        if (id === instanceId || h.stopping) continue;
        try {
          const writes = h.auth?.takeKeyWritesIfIdle();
          if (writes) taken.push(writes);
        } catch (err) {
          // Not sealed (they stay pending for that instance's own commit): the caller's commit must not fail for it.
          logger.error({ err }, "could not hand over another instance's key writes");
        }
      }
      return taken;
    },
    onReceipt(listener) {
      receiptListeners.add(listener);
      return () => receiptListeners.delete(listener);
    },
    onInbound(listener) {
      inboundListeners.add(listener);
      return () => inboundListeners.delete(listener);
    },
  };

  return {
    port,
    emitReceipt: (receipt: Receipt) => fanOut(receiptListeners, receipt),
    emitInbound: (message: InboundMessage) => fanOut(inboundListeners, message),
  };
}
