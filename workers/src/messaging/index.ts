/**
 * Messaging on the worker: the one send module (API, inbox and campaigns all send through `sender`), the direct-send
 * lanes, receipts and the inbound pipeline. It talks to sockets only through the sessions port. Other features (the
 * campaign engine) use what `createMessaging` returns: `sender.sendNext(instanceId, { messageId, guard })` for each
 * planned recipient.
 */

import type { TWorkerCommand, TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import type { Logger } from "@mirage/logger";
import { createSendNudgeConsumer } from "@mirage/queue/send-lanes";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { SessionsPort } from "../sessions/index.ts";
import { carryAll } from "./carried-work.ts";
import { createMessagingCommands, isMessagingCommand } from "./commands.ts";
import { createInboundPipeline, type InboundPipelineOptions } from "./inbound.ts";
import { createSendLanes } from "./lanes.ts";
import { createReceiptHandler } from "./receipts.ts";
import { createNumberResolver } from "./resolver.ts";
import { createSender } from "./sender.ts";

export type { Sender, SendGuard, SendOptions, SendOutcome } from "./sender.ts";

export type MessagingConfig = {
  workerId: string;
  queuePrefix: string;
  /** How often the lanes look for due direct messages and newly gained instances, in ms. */
  sweepMs: number;
  /** How long an on-WhatsApp answer is trusted, in ms. */
  lookupMaxAgeMs: number;
  inbound: Omit<InboundPipelineOptions, "onStored"> & Pick<InboundPipelineOptions, "onStored">;
};

export function createMessaging(deps: {
  db: Database;
  redis: Redis;
  sessions: SessionsPort;
  logger: Logger;
  config: MessagingConfig;
}) {
  const { db, sessions, config } = deps;
  const logger = deps.logger.child({ feature: "messaging" });
  const resolver = createNumberResolver({
    db,
    sessions,
    maxAgeMs: config.lookupMaxAgeMs,
    onSaveError: (err) => logger.warn({ err }, "could not store on-WhatsApp answers; retrying"),
  });
  const receipts = createReceiptHandler({ db, sessions, logger });
  // Each `sending` commit also applies the receipts waiting for their flush and the on-WhatsApp answers waiting to
  // be stored (one round trip for all).
  const sender = createSender({
    db,
    sessions,
    resolver,
    logger,
    carry: () => carryAll(receipts.take(), resolver.take()),
  });
  const lanes = createSendLanes({ db, sender, workerId: config.workerId, logger, sweepMs: config.sweepMs });
  const inbound = createInboundPipeline({ db, sessions, logger, options: config.inbound });
  const commands = createMessagingCommands({ sessions, resolver, logger });
  let nudges: Worker | undefined;

  return {
    name: "messaging",
    sender,
    resolver,
    lanes,
    inbound,
    /** Orchestrator commands messaging answers (on-WhatsApp checks, presence, read receipts); undefined for others. */
    command(command: TWorkerCommand): Promise<TWorkerCommandResult> | undefined {
      return isMessagingCommand(command) ? commands.handle(command) : undefined;
    },
    async start(): Promise<void> {
      receipts.start();
      inbound.start();
      await lanes.sweep();
      lanes.start();
      nudges = createSendNudgeConsumer({
        connection: deps.redis,
        prefix: config.queuePrefix,
        workerId: config.workerId,
        handle: (nudge) => lanes.nudge(nudge.instanceId),
        onError: (err) => logger.error({ err }, "send queue error"),
      });
    },
    async close(): Promise<void> {
      commands.close();
      await nudges?.close();
      await lanes.close();
      await resolver.flush();
      await inbound.close();
      await receipts.close();
    },
  };
}

export type Messaging = ReturnType<typeof createMessaging>;
