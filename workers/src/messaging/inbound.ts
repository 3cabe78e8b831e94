import type { Database } from "@mirage/db";
import {
  applyInboundChanges,
  type InboundChange,
  type InboundInput,
  type IngestedInbound,
  ingestInbound,
} from "@mirage/db/inbound-messages";
import { getOptOutSettingsMany } from "@mirage/db/messaging-settings";
import type { Logger } from "@mirage/logger";
import { createOptOutMatcher, type OptOutMatcher } from "@mirage/opt-out";
import type { InboundMessage, SessionsPort, Unsubscribe } from "../sessions/index.ts";

export type InboundPipelineOptions = {
  /** A batch is written when it holds this many messages… */
  batchMax: number;
  /** …or this many ms after its first message arrived. */
  flushMs: number;
  /** How long an organization's opt-out words are cached, in ms. */
  settingsTtlMs: number;
  /** Batches written at once, each for its own set of instances (default 4). */
  lanes?: number;
  /**
   * Most messages one write stores (default 1,000, at least batchMax). While a lane's write runs, what arrives for
   * it waits and goes in its next write together: a lane that falls behind writes bigger batches instead of queueing
   * many small ones.
   */
  writeMax?: number;
  /** Called with what was newly stored (tests, metrics). */
  onStored?: (rows: IngestedInbound[]) => void;
};

const phoneOf = (jid: string | null): string | null => {
  const user = jid?.split("@")[0]?.split(":")[0];
  return user && /^[1-9][0-9]{6,14}$/.test(user) ? `+${user}` : null;
};

/**
 * Every inbound message (text or media) of every hosted instance, stored once: batched into one round trip
 * (private.ingest_inbound) that dedupes on the WhatsApp id per instance — reconnects and history replays deliver the
 * same id again —, threads it into its conversation (phone JID and LID resolved to one contact), links it to the
 * message it answers (the one it quotes, when the instance sent it), and applies opt-outs. The row's triggers push
 * `message:inbound` live and the function writes the webhook.
 */
export function createInboundPipeline(deps: {
  db: Database;
  sessions: SessionsPort;
  logger: Logger;
  options: InboundPipelineOptions;
}) {
  const log = deps.logger.child({ module: "inbound" });
  const { options } = deps;
  const matchers = new Map<string, { matcher: OptOutMatcher; at: number }>();
  let buffer: InboundMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  const writeMax = Math.max(options.batchMax, options.writeMax ?? 1_000);
  // One writer per lane; an instance always maps to the same lane, so its messages are stored in arrival order while
  // other instances' batches are written alongside. `running` settles once the lane has nothing pending.
  const lanes: { pending: InboundMessage[]; running: Promise<void> | undefined }[] = Array.from(
    { length: Math.max(1, options.lanes ?? 4) },
    () => ({ pending: [], running: undefined }),
  );
  const laneOf = (instanceId: string) => {
    let h = 0;
    for (let i = 0; i < instanceId.length; i++) h = (h * 31 + instanceId.charCodeAt(i)) >>> 0;
    return lanes[h % lanes.length] as (typeof lanes)[number];
  };
  let unsubscribe: Unsubscribe | undefined;

  async function matchersFor(orgIds: string[]): Promise<Map<string, OptOutMatcher>> {
    const now = Date.now();
    const stale = orgIds.filter((id) => {
      const m = matchers.get(id);
      return !m || now - m.at > options.settingsTtlMs;
    });
    if (stale.length > 0) {
      const settings = await deps.db.asService((tx) => getOptOutSettingsMany(tx, stale));
      for (const [orgId, s] of settings) {
        matchers.set(orgId, { matcher: createOptOutMatcher({ words: s.words, useDefaults: s.useDefaults }), at: now });
      }
    }
    return new Map(orgIds.map((id) => [id, (matchers.get(id) as { matcher: OptOutMatcher }).matcher]));
  }

  /** The batch's edits and deletions (an edit saying stop is an opt-out too). */
  async function toChanges(batch: InboundMessage[]): Promise<InboundChange[]> {
    const byOrg = await matchersFor([...new Set(batch.map((m) => m.orgId))]);
    return batch.flatMap((m) =>
      m.change
        ? [
            {
              instanceId: m.instanceId,
              waMessageId: m.messageId,
              fromPhone: phoneOf(m.fromPhoneJid),
              fromLid: m.fromLid,
              change: m.change,
              body: m.text,
              at: m.at,
              optOutPhrase: m.change === "edited" ? (byOrg.get(m.orgId)?.match(m.text)?.phrase ?? null) : null,
            },
          ]
        : [],
    );
  }

  async function toRows(batch: InboundMessage[]): Promise<InboundInput[]> {
    const byOrg = await matchersFor([...new Set(batch.map((m) => m.orgId))]);
    return batch.map((m) => ({
      orgId: m.orgId,
      instanceId: m.instanceId,
      waMessageId: m.messageId,
      fromJid: m.fromJid,
      fromPhone: phoneOf(m.fromPhoneJid),
      fromLid: m.fromLid,
      pushName: m.pushName,
      messageType: m.messageType,
      body: m.text,
      replyTo: m.quoted ? { waMessageId: m.quoted.id, fromMe: m.quoted.fromMe, text: m.quoted.text } : null,
      receivedAt: m.at,
      optOutPhrase: byOrg.get(m.orgId)?.match(m.text)?.phrase ?? null,
    }));
  }

  /** Stores one batch, retrying with backoff; never throws (a batch that keeps failing is logged and dropped). */
  async function write(batch: InboundMessage[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // The opt-out words are read inside the retry too: reading them can fail like the write.
        const messages = batch.filter((m) => !m.change);
        const rows = await toRows(messages);
        const changes = await toChanges(batch);
        // Messages first: an edit or a deletion in the same batch finds the message it changes.
        const stored = await deps.db.asService(async (tx) => {
          const added = await ingestInbound(tx, rows);
          await applyInboundChanges(tx, changes);
          return added;
        });
        const optOuts = stored.filter((s) => s.optedOut);
        if (optOuts.length > 0) {
          log.info({ count: optOuts.length, cancelled: optOuts.reduce((n, s) => n + s.cancelled, 0) }, "opt-outs");
        }
        options.onStored?.(stored);
        return;
      } catch (err) {
        if (attempt >= 6) {
          log.error({ err, count: batch.length }, "inbound batch lost after retries");
          return;
        }
        log.warn({ err, attempt }, "storing inbound messages failed; retrying");
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const m of buffer) laneOf(m.instanceId).pending.push(m);
    buffer = [];
    for (const lane of lanes) {
      if (lane.running || lane.pending.length === 0) continue;
      lane.running = (async () => {
        try {
          while (lane.pending.length > 0) await write(lane.pending.splice(0, writeMax));
        } finally {
          lane.running = undefined;
        }
      })();
    }
    return Promise.all(lanes.map((lane) => lane.running)).then(() => undefined);
  }

  function onInbound(message: InboundMessage): void {
    buffer.push(message);
    if (buffer.length >= options.batchMax) void flush();
    else timer ??= setTimeout(() => void flush(), options.flushMs);
  }

  return {
    /** Accepts a message directly (what the port's subscription does; benches feed it too). */
    accept: onInbound,
    flush,
    start(): void {
      unsubscribe = deps.sessions.onInbound(onInbound);
    },
    async close(): Promise<void> {
      unsubscribe?.();
      await flush();
    },
  };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
