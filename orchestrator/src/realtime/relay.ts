import type { TChangeNotification } from "@mirage/contracts/changes";
import { type TRealtimePublish, WORKER_RELAYED_EVENTS } from "@mirage/contracts/realtime";
import { workerEventsChannel } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import { findCampaignStatus } from "@mirage/db/campaigns";
import { listenChanges } from "@mirage/db/changes";
import { findConversationEvent } from "@mirage/db/conversations";
import { findInboundEvent } from "@mirage/db/inbound-messages";
import { findInstanceStatus } from "@mirage/db/instances";
import { findMessageState } from "@mirage/db/outbound-messages";
import type { Logger } from "@mirage/logger";
import { createLease } from "@mirage/queue/lease";
import { publishRealtimeEvent } from "@mirage/queue/realtime";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Metrics } from "../ops/metrics.ts";

/** The workers' pub/sub channel of the default namespace (tests pass their own `workerChannel`). */
export const WORKER_EVENTS_CHANNEL = workerEventsChannel("mirage");

const ZWorkerMessage = z.object({
  orgId: z.uuid(),
  event: z.string(),
  data: z.looseObject({ instanceId: z.uuid() }),
});

export type RelayDeps = {
  db: Database;
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
  stream: string;
  replayMax: number;
  /** The workers' pub/sub channel: workerEventsChannel(QUEUE_PREFIX). */
  workerChannel?: string;
  /** Leadership lease; one replica relays at a time so every change is appended to the stream exactly once. */
  leaseMs?: number;
};

/**
 * Turns a change notification into an event. The notification carries ids (a message's also its state); the relay
 * reads the few fields an event needs as service (no user is involved) and publishes only to the row's own
 * organization.
 */
export async function eventFromChange(
  db: Database,
  change: TChangeNotification,
): Promise<TRealtimePublish | undefined> {
  const at = Date.now();
  const orgId = change.org_id;
  switch (change.table) {
    case "instances": {
      if (change.op === "delete") return undefined;
      const row = await db.asService((tx) => findInstanceStatus(tx, String(change.id)));
      if (!row) return undefined;
      return {
        type: "instance:status",
        orgId: row.orgId,
        at,
        data: { instanceId: String(change.id), status: row.status, reason: row.reason } as never,
      };
    }
    case "outbound_messages": {
      if (change.op === "delete") return undefined;
      // Notifications carry the state the change made (a receipt each, at the pace of sending): no read per event.
      if (change.state) {
        return {
          type: "message:status",
          orgId,
          at,
          data: {
            messageId: Number(change.id),
            state: change.state,
            campaignId: change.campaign_id ?? null,
            instanceId: change.instance_id ?? null,
          },
        };
      }
      const row = await db.asService((tx) => findMessageState(tx, Number(change.id)));
      if (!row) return undefined;
      return {
        type: "message:status",
        orgId: row.orgId,
        at,
        data: {
          messageId: Number(change.id),
          state: row.state,
          campaignId: row.campaignId,
          instanceId: row.instanceId,
        } as never,
      };
    }
    case "campaigns": {
      if (change.op === "delete") return undefined;
      const row = await db.asService((tx) => findCampaignStatus(tx, String(change.id)));
      if (!row) return undefined;
      return {
        type: "campaign:progress",
        orgId: row.orgId,
        at,
        data: { campaignId: String(change.id), status: row.status } as never,
      };
    }
    case "inbound_messages": {
      if (change.op !== "insert") return undefined;
      const row = await db.asService((tx) => findInboundEvent(tx, Number(change.id)));
      if (!row) return undefined;
      const { orgId: rowOrg, ...data } = row;
      return { type: "message:inbound", orgId: rowOrg, at, data: { messageId: Number(change.id), ...data } };
    }
    case "conversations": {
      // Nothing left to read: the id is all an open inbox needs to drop it.
      if (change.op === "delete")
        return { type: "conversation:changed", orgId, at, data: { conversationId: String(change.id), deleted: true } };
      const row = await db.asService((tx) => findConversationEvent(tx, String(change.id)));
      if (!row) return undefined;
      const { orgId: rowOrg, ...data } = row;
      return { type: "conversation:changed", orgId: rowOrg, at, data: { conversationId: String(change.id), ...data } };
    }
    case "blacklist":
      return { type: "blacklist:changed", orgId, at, data: { op: change.op, id: String(change.id) } };
    default:
      return undefined;
  }
}

/**
 * The relay into the realtime stream, run by the replica holding a Redis lease: Postgres LISTEN (row changes) and
 * the workers' pub/sub channel (QR codes, health samples). Other replicas stand by and take over within one lease.
 */
export function createRealtimeRelay(deps: RelayDeps) {
  const lease = createLease(deps.redis, { key: `${deps.stream}:relay-leader`, ttlMs: deps.leaseMs ?? 10_000 });
  const log = deps.logger.child({ module: "realtime-relay" });
  const sub = deps.redis.duplicate();
  // Reconnects are ioredis' job; an outage is logged here instead of surfacing as an unhandled 'error' event.
  sub.on("error", (err: Error) => log.warn({ err: err.message }, "redis (relay subscriber) error"));
  let timer: NodeJS.Timeout | undefined;
  let leading = false;
  let unlisten: (() => Promise<void>) | undefined;
  let stopped = false;
  const opts = { stream: deps.stream, orgMaxLen: deps.replayMax };

  // Queue per source keeps events in the order they happened (LISTEN delivers in commit order).
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((err: unknown) => log.error({ err }, "realtime relay failed for one event"));
  };

  async function onChange(change: TChangeNotification) {
    const event = await eventFromChange(deps.db, change);
    if (!event) return;
    await publishRealtimeEvent(deps.redis, event, opts);
    deps.metrics.realtimeEvents.inc({ source: "postgres" });
  }

  async function lead(): Promise<void> {
    leading = true;
    log.info("realtime relay leadership acquired");
    const l = await listenChanges(
      deps.db.sql,
      (change) => enqueue(() => onChange(change)),
      (payload, error) => log.warn({ payload, err: error }, "invalid change notification"),
    );
    unlisten = l.unlisten;
    await sub.subscribe(deps.workerChannel ?? WORKER_EVENTS_CHANNEL);
  }

  async function resign(): Promise<void> {
    if (!leading) return;
    leading = false;
    await unlisten?.();
    unlisten = undefined;
    await sub.unsubscribe(deps.workerChannel ?? WORKER_EVENTS_CHANNEL).catch(() => undefined);
  }

  sub.on("message", (_channel: string, message: string) => {
    let parsed: z.infer<typeof ZWorkerMessage>;
    try {
      parsed = ZWorkerMessage.parse(JSON.parse(message));
    } catch (err) {
      log.warn({ err }, "invalid worker event");
      return;
    }
    if (!(WORKER_RELAYED_EVENTS as readonly string[]).includes(parsed.event)) return;
    // Webhooks for QR codes and health are written by the session host itself, durably and once; pub/sub here is
    // only the live path to browsers.
    enqueue(async () => {
      await publishRealtimeEvent(
        deps.redis,
        { type: parsed.event, orgId: parsed.orgId, at: Date.now(), data: parsed.data } as TRealtimePublish,
        opts,
      );
      deps.metrics.realtimeEvents.inc({ source: "worker" });
    });
  });

  async function heartbeat(): Promise<void> {
    if (stopped) return;
    if (leading) {
      if (!(await lease.renew())) {
        log.warn("realtime relay leadership lost");
        await resign();
      }
      return;
    }
    if (await lease.acquire()) await lead();
  }

  return {
    async start(): Promise<void> {
      await heartbeat();
      timer = setInterval(
        () => {
          heartbeat().catch((err: unknown) => log.error({ err }, "realtime relay heartbeat failed"));
        },
        Math.floor(lease.ttlMs / 3),
      );
    },
    get isLeader() {
      return leading;
    },
    async close(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await resign();
      await chain;
      await lease.release().catch(() => false);
      sub.disconnect();
    },
  };
}

export type RealtimeRelay = ReturnType<typeof createRealtimeRelay>;
