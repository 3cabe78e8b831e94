import type { Database } from "@mirage/db";
import { findWaLookup, saveWaLookup } from "@mirage/db/messaging-settings";
import { whatsAppCandidates } from "@mirage/phone";
import { LRUCache } from "lru-cache";
import type { ResolvedNumber, SessionsPort } from "../sessions/index.ts";

export type Resolution = { onWhatsApp: true; jid: string; lid: string | null } | { onWhatsApp: false };

/**
 * Number → WhatsApp id, asked of WhatsApp once and remembered: in memory (bounded LRU) and in Postgres
 * (`wa_id_lookups`, shared by every worker), each answer for `maxAgeMs`. Brazilian mobiles are tried with and without
 * the ninth digit; the id WhatsApp returns is the one messages go to.
 */
export function createNumberResolver(deps: { db: Database; sessions: SessionsPort; maxAgeMs: number; max?: number }) {
  const memory = new LRUCache<string, Resolution & { at: number }>({ max: deps.max ?? 50_000 });
  const inFlight = new Map<string, Promise<Resolution>>();

  async function ask(instanceId: string, phone: string): Promise<Resolution> {
    const stored = await deps.db.asService((tx) => findWaLookup(tx, phone, deps.maxAgeMs));
    if (stored) {
      return stored.onWhatsApp && stored.jid
        ? { onWhatsApp: true, jid: stored.jid, lid: stored.lid }
        : { onWhatsApp: false };
    }
    const answer: ResolvedNumber = await deps.sessions.resolveNumber(instanceId, whatsAppCandidates(phone));
    const resolution: Resolution = answer.onWhatsApp
      ? { onWhatsApp: true, jid: answer.jid, lid: answer.lid }
      : { onWhatsApp: false };
    await deps.db.asService((tx) =>
      saveWaLookup(tx, {
        phone,
        onWhatsApp: resolution.onWhatsApp,
        jid: resolution.onWhatsApp ? resolution.jid : null,
        lid: resolution.onWhatsApp ? resolution.lid : null,
      }),
    );
    return resolution;
  }

  return {
    /**
     * The WhatsApp id for `phone` (E.164), asking through `instanceId`'s socket when nothing fresh is known.
     * Concurrent calls for one number share one question. Rejects like `SessionsPort.resolveNumber`.
     */
    async resolve(instanceId: string, phone: string): Promise<Resolution> {
      const cached = memory.get(phone);
      if (cached && Date.now() - cached.at < deps.maxAgeMs) return cached;
      let pending = inFlight.get(phone);
      if (!pending) {
        pending = ask(instanceId, phone).finally(() => inFlight.delete(phone));
        inFlight.set(phone, pending);
      }
      const resolution = await pending;
      memory.set(phone, { ...resolution, at: Date.now() });
      return resolution;
    },
    /**
     * Asks WhatsApp again, past every cache: after a first send the socket has learned the number's LID from the
     * device list, which the first answer could not carry.
     */
    async refresh(instanceId: string, phone: string): Promise<Resolution> {
      memory.delete(phone);
      const answer = await deps.sessions.resolveNumber(instanceId, whatsAppCandidates(phone));
      const resolution: Resolution = answer.onWhatsApp
        ? { onWhatsApp: true, jid: answer.jid, lid: answer.lid }
        : { onWhatsApp: false };
      await deps.db.asService((tx) =>
        saveWaLookup(tx, {
          phone,
          onWhatsApp: resolution.onWhatsApp,
          jid: resolution.onWhatsApp ? resolution.jid : null,
          lid: resolution.onWhatsApp ? resolution.lid : null,
        }),
      );
      memory.set(phone, { ...resolution, at: Date.now() });
      return resolution;
    },
    /** Forgets a number (e.g. a send to it failed in a way that suggests the registration changed). */
    forget(phone: string): void {
      memory.delete(phone);
    },
  };
}

export type NumberResolver = ReturnType<typeof createNumberResolver>;
