import type { Server as HttpServer } from "node:http";
import type { TApiKeyScope } from "@mirage/contracts/enums";
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  type TRealtimeEnvelope,
  type TRealtimePublish,
  ZRealtimeHandshake,
} from "@mirage/contracts/realtime";
import type { Database } from "@mirage/db";
import { listOrganizations } from "@mirage/db/organizations";
import type { Logger } from "@mirage/logger";
import { orgStreamKey } from "@mirage/queue/realtime";
import { createAdapter } from "@socket.io/redis-adapter";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import type { Authenticator, Principal } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import type { Metrics } from "../ops/metrics.ts";
import { keyRoom, sessionRoom, userRoom } from "./rooms.ts";

type SocketData = { principal: Principal; orgIds: string[]; since: string | undefined };
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const orgRoom = (orgId: string) => `org:${orgId}`;

export type GatewayDeps = {
  httpServer: HttpServer;
  authenticator: Authenticator;
  db: Database;
  /** Commands (XRANGE for catch-up); the gateway duplicates it for its blocking reader and the adapter. */
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
  stream: string;
  replayMax: number;
  corsOrigins: string[];
  /** Share rooms across replicas through Redis (on in production; tests with one replica may turn it off). */
  redisAdapter: boolean;
};

/** Scopes that may listen: any key can read events of its own organization if it can read at all. */
const LISTEN_SCOPES: TApiKeyScope[] = ["read", "admin", "instances", "campaigns", "messages:send"];

/**
 * The socket.io gateway. The handshake carries `auth: { token, since? }` (an access token or an API key); the
 * socket joins one room per organization the caller belongs to — read through RLS, so exactly the organizations
 * its token proves. Every replica tails the realtime Redis stream and emits each event to its local sockets in the
 * event's organization room; a client that passes `since` first receives what it missed, then `realtime:ready`.
 * Clients dedupe by cursor (it increases): an event can arrive both in the replay and live around the switch.
 */
export function createRealtimeGateway(deps: GatewayDeps) {
  const io: RealtimeServer = new Server(deps.httpServer, {
    serveClient: false,
    cors: { origin: deps.corsOrigins, credentials: true },
    // Slow consumers must not pin memory: a client that cannot keep up is disconnected, then catches up by cursor.
    maxHttpBufferSize: 64 * 1024,
  });
  const log = deps.logger.child({ module: "realtime" });
  const extra: Redis[] = [];
  if (deps.redisAdapter) {
    const pub = deps.redis.duplicate();
    const sub = deps.redis.duplicate();
    for (const c of [pub, sub]) c.on("error", (err: Error) => log.warn({ err: err.message }, "redis (adapter) error"));
    extra.push(pub, sub);
    io.adapter(createAdapter(pub, sub, { key: `${deps.stream}:socket.io` }));
  }

  io.use(async (socket, next) => {
    try {
      const parsed = ZRealtimeHandshake.safeParse(socket.handshake.auth);
      if (!parsed.success) throw new AppError("unauthenticated", "send auth: { token } in the handshake");
      const principal = await deps.authenticator.authenticateToken(parsed.data.token);
      if (principal.kind === "api_key" && !principal.scopes.some((s) => LISTEN_SCOPES.includes(s))) {
        throw new AppError("insufficient_scope", "this API key cannot listen to events");
      }
      const orgs = await deps.db.asUser(principal.claims, (tx) => listOrganizations(tx));
      socket.data = { principal, orgIds: orgs.map((o) => o.id), since: parsed.data.since };
      // A session ends when its access token does: the client reconnects with a fresh one and catches up.
      const exp = principal.claims.exp;
      if (exp) {
        const ms = exp * 1000 - Date.now();
        const timer = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
        socket.on("disconnect", () => clearTimeout(timer));
      }
      next();
    } catch (error) {
      const appError =
        error instanceof AppError ? error : new AppError("internal", "handshake failed", { cause: error });
      if (appError.status >= 500) log.error({ err: error }, "realtime handshake failed");
      const err = new Error(appError.message) as Error & { data?: unknown };
      err.data = { code: appError.code, status: appError.status };
      next(err);
    }
  });

  io.on("connection", async (socket) => {
    deps.metrics.realtimeClients.inc();
    socket.on("disconnect", () => deps.metrics.realtimeClients.dec());
    const { orgIds, since, principal } = socket.data;
    // Per-caller rooms let the REST side revoke a key's sockets or drop a removed member from a room (control.ts).
    const own = [
      userRoom(principal.userId),
      ...(principal.kind === "api_key" ? [keyRoom(principal.keyId)] : []),
      ...(principal.claims.session_id ? [sessionRoom(principal.claims.session_id)] : []),
    ];
    await socket.join([...orgIds.map(orgRoom), ...own]);
    let replayed = 0;
    let truncated = false;
    let cursor: string | null = since ?? null;
    if (since) {
      for (const orgId of orgIds) {
        const key = orgStreamKey(orgId, deps.stream);
        const [first] = (await deps.redis.xrange(key, "-", "+", "COUNT", 1)) as [string, string[]][];
        if (first && compareIds(first[0], since) > 0) truncated = true;
        const entries = (await deps.redis.xrange(key, `(${since}`, "+", "COUNT", deps.replayMax)) as [
          string,
          string[],
        ][];
        if (entries.length === deps.replayMax) truncated = true;
        for (const [id, fields] of entries) {
          const event = decode(fields);
          if (!event) continue;
          socket.emit(event.type, { ...event, cursor: id } as never);
          replayed++;
          if (!cursor || compareIds(id, cursor) > 0) cursor = id;
        }
      }
    }
    socket.emit("realtime:ready", { cursor, replayed, truncated });
  });

  // ── the tail: one blocking reader per replica ──
  const reader = deps.redis.duplicate();
  reader.on("error", (err: Error) => log.warn({ err: err.message }, "redis (stream reader) error"));
  extra.push(reader);
  let stopped = false;
  let lastId: string | undefined;
  const tail = (async () => {
    while (!stopped) {
      try {
        if (lastId === undefined) {
          const [latest] = (await reader.xrevrange(deps.stream, "+", "-", "COUNT", 1)) as [string, string[]][];
          lastId = latest ? latest[0] : "0-0";
        }
        const res = (await reader.xread("COUNT", 1000, "BLOCK", 1000, "STREAMS", deps.stream, lastId)) as
          | [string, [string, string[]][]][]
          | null;
        if (!res) continue;
        for (const [, entries] of res) {
          for (const [id, fields] of entries) {
            lastId = id;
            const event = decode(fields);
            if (!event) continue;
            const envelope = { ...event, cursor: id } as TRealtimeEnvelope;
            io.local.to(orgRoom(event.orgId)).emit(event.type, envelope as never);
          }
        }
      } catch (error) {
        if (stopped) return;
        log.error({ err: error }, "realtime stream read failed; retrying");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  let closed: Promise<void> | undefined;
  return {
    io,
    close(): Promise<void> {
      closed ??= (async () => {
        stopped = true;
        reader.disconnect();
        await tail.catch(() => undefined);
        await new Promise<void>((resolve) => io.close(() => resolve()));
        // quit, not disconnect: the adapter's UNSUBSCRIBE calls are still in flight and must get their replies.
        await Promise.all(extra.filter((r) => r !== reader).map((r) => r.quit().catch(() => r.disconnect())));
      })();
      return closed;
    },
  };
}

export type RealtimeGateway = ReturnType<typeof createRealtimeGateway>;

function decode(fields: string[]): TRealtimePublish | undefined {
  const i = fields.indexOf("e");
  const raw = i >= 0 ? fields[i + 1] : undefined;
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as TRealtimePublish;
  } catch {
    return undefined;
  }
}

/** Orders Redis stream ids ("ms-seq"). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am !== bm ? am - bm : as - bs;
}
