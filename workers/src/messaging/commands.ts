import type { TWorkerCommand, TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import type { Logger } from "@mirage/logger";
import { SessionNotReadyError, type SessionsPort } from "../sessions/index.ts";
import type { NumberResolver } from "./resolver.ts";

/** The orchestrator commands answered by messaging rather than by the session host's lifecycle. */
export type MessagingCommand = Extract<
  TWorkerCommand,
  { type: "on-whatsapp" | "presence" | "read-receipts" | "reaction" }
>;

export const isMessagingCommand = (command: TWorkerCommand): command is MessagingCommand =>
  command.type === "on-whatsapp" ||
  command.type === "presence" ||
  command.type === "read-receipts" ||
  command.type === "reaction";

/** How many numbers of one on-WhatsApp command are asked of WhatsApp at the same time. */
const LOOKUP_CONCURRENCY = 5;

/**
 * Runs what an API caller asks an instance to say or check, through the sessions port: which numbers are on
 * WhatsApp (the send path's resolver, so answers are shared with sends and cached in memory and in Postgres),
 * presence (account-wide, or a chat state cleared after `durationMs`), and read receipts. An instance that is not
 * connected here answers `{ ok: false, outcome: "not_connected" }` (or `not_hosted`) at once: nothing waits for a
 * socket.
 */
export function createMessagingCommands(deps: { sessions: SessionsPort; resolver: NumberResolver; logger: Logger }) {
  const { sessions, resolver } = deps;
  const log = deps.logger.child({ module: "messaging-commands" });
  const clears = new Set<NodeJS.Timeout>();

  const notReady = (err: unknown): TWorkerCommandResult | undefined =>
    err instanceof SessionNotReadyError
      ? { ok: false, outcome: err.reason, ...(err.status ? { status: err.status } : {}) }
      : undefined;

  /** The chat JID for `to`: a `…@lid` as given, an E.164 number resolved like a send (undefined: not on WhatsApp). */
  async function chatOf(instanceId: string, to: string): Promise<string | undefined> {
    if (to.endsWith("@lid")) return to;
    const found = await resolver.resolve(instanceId, to);
    return found.onWhatsApp ? found.jid : undefined;
  }

  async function onWhatsApp(instanceId: string, phones: readonly string[]): Promise<TWorkerCommandResult> {
    const ready = sessions.canSend(instanceId);
    if (!ready.ok && (ready.reason === "not_hosted" || ready.reason === "not_connected")) {
      return { ok: false, outcome: ready.reason, ...(ready.status ? { status: ready.status } : {}) };
    }
    const numbers: NonNullable<TWorkerCommandResult["numbers"]> = new Array(phones.length);
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < phones.length; i = next++) {
        const phone = phones[i] as string;
        const found = await resolver.resolve(instanceId, phone);
        numbers[i] = found.onWhatsApp
          ? { phone, onWhatsApp: true, jid: found.jid, lid: found.lid }
          : { phone, onWhatsApp: false, jid: null, lid: null };
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, phones.length) }, lane));
    // Stored before the answer (one transaction for every new answer of the request): a send that follows on
    // another worker finds them.
    await resolver.flush();
    return { ok: true, outcome: "checked", numbers };
  }

  async function presence(command: Extract<MessagingCommand, { type: "presence" }>): Promise<TWorkerCommandResult> {
    const { instanceId, presence: state } = command;
    if (state === "available" || state === "unavailable") {
      await sessions.setAccountPresence(instanceId, state, command.pushName ?? "Mirage");
      return { ok: true, outcome: "presence_sent" };
    }
    if (!command.to) return { ok: false, outcome: "recipient_required" };
    const jid = await chatOf(instanceId, command.to);
    if (!jid) return { ok: false, outcome: "not_on_whatsapp" };
    await sessions.setPresence(instanceId, jid, state);
    const duration = command.durationMs ?? 0;
    if (state !== "paused" && duration > 0) {
      // The command answers at once, so no command slot is held for the duration (Evolution's route, which must
      // answer after it, waits on its own side); a timer clears the state.
      const timer = setTimeout(() => {
        clears.delete(timer);
        sessions.setPresence(instanceId, jid, "paused").catch((err: unknown) => {
          log.debug({ err, instanceId }, "could not clear a chat state");
        });
      }, duration);
      clears.add(timer);
    }
    return { ok: true, outcome: "presence_sent", jid };
  }

  return {
    /** Answers one messaging command; never throws for an instance that cannot act now (see above). */
    async handle(command: MessagingCommand): Promise<TWorkerCommandResult> {
      try {
        switch (command.type) {
          case "on-whatsapp":
            return await onWhatsApp(command.instanceId, command.phones);
          case "presence":
            return await presence(command);
          case "read-receipts":
            await sessions.sendReadReceipts(command.instanceId, command.keys);
            return { ok: true, outcome: "read_receipts_sent" };
          case "reaction": {
            const sent = await sessions.sendReaction(command.instanceId, command.remoteJid, command.id, command.emoji);
            return { ok: true, outcome: "reaction_sent", ...(sent ? { messageId: sent } : {}) };
          }
        }
      } catch (err) {
        const answer = notReady(err);
        if (answer) return answer;
        throw err;
      }
    },
    /** Stops pending "paused" follow-ups (the sockets are closing). */
    close(): void {
      for (const timer of clears) clearTimeout(timer);
      clears.clear();
    },
  };
}

export type MessagingCommands = ReturnType<typeof createMessagingCommands>;
