import type { Database } from "@mirage/db";
import { findWaLookup, saveWaLookups, type WaLookup } from "@mirage/db/messaging-settings";
import { whatsAppCandidates } from "@mirage/phone";
import { LRUCache } from "lru-cache";
import type { ResolvedNumber, SessionsPort } from "../sessions/index.ts";
import type { CarriedWork } from "./carried-work.ts";

export type Resolution = { onWhatsApp: true; jid: string; lid: string | null } | { onWhatsApp: false };

type Unsaved = Omit<WaLookup, "checkedAt">;
/** A stored answer as a claim reads it (`SendWork.waLookup`): `checkedAt` an ISO time or a Date. */
export type StoredLookup = { onWhatsApp: boolean; jid: string | null; lid: string | null; checkedAt: string | Date };

/**
 * Number → WhatsApp id, asked of WhatsApp once and remembered: in memory (bounded LRU) and in Postgres
 * (`wa_id_lookups`, shared by every worker), each answer for `maxAgeMs`. Brazilian mobiles are tried with and without
 * the ninth digit; the id WhatsApp returns is the one messages go to.
 *
 * Storing an answer does not cost a transaction of its own on the send path: new answers wait (at most `saveDelayMs`,
 * default 1 s) for the send module's next transaction to carry them (`take`), else are stored together. The table is
 * a cache shared with other workers: an answer lost in a crash in between is asked again, nothing else.
 */
export function createNumberResolver(deps: {
  db: Database;
  sessions: SessionsPort;
  maxAgeMs: number;
  max?: number;
  /** How long a new answer may wait for a transaction to carry it, in ms (default 1000). */
  saveDelayMs?: number;
  /** A background store failed (the answers are kept and tried again with the next ones). */
  onSaveError?: (err: unknown) => void;
}) {
  const memory = new LRUCache<string, Resolution & { at: number }>({ max: deps.max ?? 50_000 });
  const inFlight = new Map<string, Promise<Resolution>>();
  /** Answers not yet stored, oldest first (storing keeps each phone's last, and a LID once known). */
  let unsaved: Unsaved[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;

  const row = (phone: string, r: Resolution): Unsaved => ({
    phone,
    onWhatsApp: r.onWhatsApp,
    jid: r.onWhatsApp ? r.jid : null,
    lid: r.onWhatsApp ? r.lid : null,
  });

  /** Puts answers back after a transaction that carried them rolled back (unless a newer answer came meanwhile). */
  function restore(batch: Unsaved[]): void {
    unsaved = [...batch, ...unsaved];
    arm();
  }

  function arm(): void {
    if (timer || unsaved.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, deps.saveDelayMs ?? 1_000);
    timer.unref();
  }

  function takeBatch(): Unsaved[] {
    const batch = unsaved;
    unsaved = [];
    if (timer) clearTimeout(timer);
    timer = undefined;
    return batch;
  }

  /** Stores every waiting answer in a transaction of its own. Never rejects (errors go to `onSaveError`). */
  function flush(): Promise<void> {
    flushing ??= (async () => {
      try {
        while (unsaved.length > 0) {
          const batch = takeBatch();
          try {
            await deps.db.asService((tx) => saveWaLookups(tx, batch));
          } catch (err) {
            deps.onSaveError?.(err);
            restore(batch);
            return;
          }
        }
      } finally {
        flushing = undefined;
      }
    })();
    return flushing;
  }

  function remember(phone: string, resolution: Resolution): void {
    unsaved.push(row(phone, resolution));
    arm();
  }

  async function ask(instanceId: string, phone: string, known?: StoredLookup | null): Promise<Resolution> {
    const stored =
      known === undefined
        ? await deps.db.asService((tx) => findWaLookup(tx, phone, deps.maxAgeMs))
        : known && Date.now() - new Date(known.checkedAt).getTime() < deps.maxAgeMs
          ? known
          : undefined;
    if (stored) {
      return stored.onWhatsApp && stored.jid
        ? { onWhatsApp: true, jid: stored.jid, lid: stored.lid }
        : { onWhatsApp: false };
    }
    const resolution = toResolution(await deps.sessions.resolveNumber(instanceId, whatsAppCandidates(phone)));
    remember(phone, resolution);
    return resolution;
  }

  return {
    /**
     * The WhatsApp id for `phone` (E.164), asking through `instanceId`'s socket when nothing fresh is known.
     * Concurrent calls for one number share one question. Rejects like `SessionsPort.resolveNumber`. `known`: the
     * stored answer (or null: none) when the caller already read it (a claim does), sparing the read.
     */
    async resolve(instanceId: string, phone: string, known?: StoredLookup | null): Promise<Resolution> {
      const cached = memory.get(phone);
      if (cached && Date.now() - cached.at < deps.maxAgeMs) return cached;
      let pending = inFlight.get(phone);
      if (!pending) {
        pending = ask(instanceId, phone, known).finally(() => inFlight.delete(phone));
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
      const resolution = toResolution(await deps.sessions.resolveNumber(instanceId, whatsAppCandidates(phone)));
      remember(phone, resolution);
      memory.set(phone, { ...resolution, at: Date.now() });
      return resolution;
    },
    /** Forgets a number (e.g. a send to it failed in a way that suggests the registration changed). */
    forget(phone: string): void {
      memory.delete(phone);
    },
    /**
     * The answers waiting to be stored, for a caller's transaction to carry (one statement); undefined when none
     * wait. `settle(false)` (the transaction rolled back) puts them back.
     */
    take(): CarriedWork | undefined {
      if (unsaved.length === 0) return undefined;
      const batch = takeBatch();
      return {
        apply: (tx) => saveWaLookups(tx, batch),
        settle: (committed) => {
          if (!committed) restore(batch);
        },
      };
    },
    /** Stores what still waits (at shutdown). Never rejects. */
    flush,
  };
}

function toResolution(answer: ResolvedNumber): Resolution {
  return answer.onWhatsApp ? { onWhatsApp: true, jid: answer.jid, lid: answer.lid } : { onWhatsApp: false };
}

export type NumberResolver = ReturnType<typeof createNumberResolver>;
