"use client";

import type { TInstance } from "@mirage/contracts/instances";
import type {
  ServerToClientEvents,
  TRealtimeEnvelope,
  TRealtimeEventName,
  ZImportProgressEvent,
} from "@mirage/contracts/realtime";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { Socket } from "socket.io-client";
import type { z } from "zod";

export type ConnectionState = "connecting" | "live" | "reconnecting";
export type LiveQr = { qr: string; expiresAt: string | null; receivedAt: number };
export type LiveHealth = { score: number; reasons: string[] };
/**
 * What features listen to: every event without a handler of its own here (messages, conversations, campaigns,
 * imports…) as it arrives, once each, and "resync" after a reconnect (features re-read what they show then).
 */
export type FeatureEvent = AnyEnvelope | { type: "resync" };
/** One envelope per event name, so that checking `type` narrows `data`. */
type AnyEnvelope = { [N in TRealtimeEventName]: TRealtimeEnvelope<N> }[TRealtimeEventName];
export type LiveImport = z.infer<typeof ZImportProgressEvent>;

/** Latest QR and health per instance, pushed by the socket (QRs are not stored by the API long enough to poll). */
class LiveStore {
  private qr = new Map<string, LiveQr>();
  private health = new Map<string, LiveHealth>();
  private listeners = new Set<() => void>();
  private events = new Set<(e: FeatureEvent) => void>();
  /** See FeatureEvent. Answers the unsubscribe function. */
  onEvent = (fn: (e: FeatureEvent) => void) => {
    this.events.add(fn);
    return () => {
      this.events.delete(fn);
    };
  };
  dispatch(e: FeatureEvent) {
    for (const fn of this.events) fn(e);
  }
  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  private emit() {
    for (const fn of this.listeners) fn();
  }
  setQr(id: string, value: LiveQr) {
    this.qr.set(id, value);
    this.emit();
  }
  clearQr(id: string) {
    if (this.qr.delete(id)) this.emit();
  }
  getQr = (id: string) => this.qr.get(id);
  setHealth(id: string, value: LiveHealth) {
    this.health.set(id, value);
    this.emit();
  }
  getHealth = (id: string) => this.health.get(id);
  private imports = new Map<string, LiveImport>();
  setImport(id: string, value: LiveImport) {
    this.imports.set(id, value);
    this.emit();
  }
  getImport = (id: string) => this.imports.get(id);
}

type Ctx = { state: ConnectionState; store: LiveStore };
const RealtimeContext = createContext<Ctx | null>(null);

export const instancesKey = (orgId: string) => ["instances", orgId] as const;
export const instanceKey = (orgId: string, id: string) => ["instance", orgId, id] as const;

type InstanceList = { items: TInstance[] };

function patchInstance(qc: QueryClient, orgId: string, id: string, patch: Partial<TInstance>) {
  qc.setQueryData<InstanceList>(instancesKey(orgId), (old) =>
    old ? { ...old, items: old.items.map((i) => (i.id === id ? { ...i, ...patch } : i)) } : old,
  );
  qc.setQueryData<TInstance>(instanceKey(orgId, id), (old) => (old ? { ...old, ...patch } : old));
}

/**
 * One socket.io connection per tab to the orchestrator, in the rooms of the caller's organizations. Events patch the
 * React Query cache at once (the DOM updates without a refetch), then the affected queries are re-read for the fields
 * an event does not carry. After a drop it reconnects with `since` = the last cursor seen; when the server says the
 * replay was truncated, every query is re-read instead.
 */
export function RealtimeProvider({ url, orgId, children }: { url: string; orgId: string; children: ReactNode }) {
  const qc = useQueryClient();
  const [state, setState] = useState<ConnectionState>("connecting");
  const storeRef = useRef<LiveStore>(null);
  if (!storeRef.current) storeRef.current = new LiveStore();
  const store = storeRef.current;

  useEffect(() => {
    // socket.io-client is loaded after the page is up (it is not needed to render it): first-load JS stays smaller.
    let cancelled = false;
    let socket: Socket<ServerToClientEvents> | undefined;
    void import("socket.io-client").then(({ io }) => {
      if (cancelled) return;
      socket = connectRealtime({ io, url, orgId, qc, store, setState });
    });
    return () => {
      cancelled = true;
      socket?.removeAllListeners();
      socket?.close();
    };
  }, [url, orgId, qc, store]);

  return <RealtimeContext.Provider value={{ state, store }}>{children}</RealtimeContext.Provider>;
}

type ConnectDeps = {
  io: typeof import("socket.io-client").io;
  url: string;
  orgId: string;
  qc: QueryClient;
  store: LiveStore;
  setState: (s: ConnectionState) => void;
};

/** Opens the socket and wires every event to the cache and the live store (see RealtimeProvider). */
function connectRealtime({ io, url, orgId, qc, store, setState }: ConnectDeps): Socket<ServerToClientEvents> {
  let lastCursor: string | undefined;
  let everConnected = false;
  const seen = new Set<string>();
  const socket: Socket<ServerToClientEvents> = io(url, {
    transports: ["websocket"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    auth: (cb) => {
      fetch("/api/session/token", { cache: "no-store" })
        .then((r) => (r.ok ? (r.json() as Promise<{ token: string }>) : Promise.reject(new Error("no session"))))
        .then(({ token }) => cb(lastCursor ? { token, since: lastCursor } : { token }))
        .catch(() => cb({ token: "-" }));
    },
  });
  const fresh = (e: TRealtimeEnvelope) => {
    if (e.orgId !== orgId || seen.has(e.cursor)) return false;
    seen.add(e.cursor);
    if (seen.size > 2_000) seen.clear();
    lastCursor = e.cursor;
    return true;
  };
  socket.on("connect", () => setState(everConnected ? "reconnecting" : "connecting"));
  socket.on("realtime:ready", (info) => {
    if (info.cursor && !lastCursor) lastCursor = info.cursor;
    // Back after a drop: the replay covers what the server saw meanwhile; a truncated replay means more was
    // missed, so everything is re-read. The numbers are re-read either way (one request), because changes made
    // while the server itself was down never reached its stream.
    if (everConnected) void qc.invalidateQueries(info.truncated ? undefined : { queryKey: instancesKey(orgId) });
    if (everConnected) store.dispatch({ type: "resync" });
    everConnected = true;
    setState("live");
  });
  socket.on("disconnect", () => setState("reconnecting"));
  socket.on("connect_error", () => {
    setState(everConnected ? "reconnecting" : "connecting");
    // A refused handshake (expired token) is not retried by socket.io itself.
    if (!socket.active) setTimeout(() => socket.connect(), 2_000);
  });
  // Features listen to the other events through useRealtimeEvent(s); the instance events are handled below.
  socket.onAny((name: string, e: AnyEnvelope) => {
    if (name.startsWith("instance:") || name === "realtime:ready" || !e?.cursor || !fresh(e)) return;
    if (e.type === "import:progress") store.setImport(e.data.importId, e.data);
    store.dispatch(e);
  });
  socket.on("instance:status", (e) => {
    if (!fresh(e)) return;
    patchInstance(qc, orgId, e.data.instanceId, { status: e.data.status, statusReason: e.data.reason ?? null });
    if (e.data.status !== "pending_pairing") store.clearQr(e.data.instanceId);
    void qc.invalidateQueries({ queryKey: instancesKey(orgId) });
    void qc.invalidateQueries({ queryKey: ["instance-events", orgId, e.data.instanceId] });
    void qc.invalidateQueries({ queryKey: instanceKey(orgId, e.data.instanceId) });
  });
  // A message changed state: the numbers' "sent today" counts may have moved. Re-read them at most every 2 s however
  // many messages a campaign moves (the count is the API's, so nothing is double-counted after a replay).
  let sendsTimer: ReturnType<typeof setTimeout> | undefined;
  socket.on("message:status", (e) => {
    if (!fresh(e) || !e.data.instanceId || sendsTimer) return;
    sendsTimer = setTimeout(() => {
      sendsTimer = undefined;
      void qc.invalidateQueries({ queryKey: instancesKey(orgId) });
      void qc.invalidateQueries({ queryKey: ["instance", orgId] });
    }, 2_000);
  });
  socket.on("instance:qr", (e) => {
    if (!fresh(e) || !e.data.qr) return;
    store.setQr(e.data.instanceId, { qr: e.data.qr, expiresAt: e.data.expiresAt ?? null, receivedAt: Date.now() });
  });
  socket.on("instance:health", (e) => {
    if (!fresh(e)) return;
    const reasons = Array.isArray(e.data.reasons) ? (e.data.reasons as unknown[]).map(String) : [];
    store.setHealth(e.data.instanceId, { score: e.data.score, reasons });
    patchInstance(qc, orgId, e.data.instanceId, { healthScore: Math.round(e.data.score) });
    void qc.invalidateQueries({ queryKey: ["instance-health", orgId, e.data.instanceId] });
  });
  return socket;
}

function useRealtime(): Ctx {
  const ctx = useContext(RealtimeContext);
  if (!ctx) throw new Error("useRealtime outside RealtimeProvider");
  return ctx;
}

export const useConnectionState = () => useRealtime().state;

/**
 * Calls `handler` for each live event of the given types (instance events excepted: they patch the cache here).
 * The handler may change between renders without resubscribing.
 */
export function useRealtimeEvent(types: readonly TRealtimeEventName[], handler: (e: AnyEnvelope) => void) {
  const { store } = useRealtime();
  const ref = useRef(handler);
  ref.current = handler;
  const key = types.join(",");
  useEffect(() => {
    const wanted = new Set(key.split(","));
    return store.onEvent((e) => {
      if (e.type !== "resync" && wanted.has(e.type)) ref.current(e);
    });
  }, [store, key]);
}

export function useLiveQr(instanceId: string | null): LiveQr | undefined {
  const { store } = useRealtime();
  return useSyncExternalStore(
    store.subscribe,
    () => (instanceId ? store.getQr(instanceId) : undefined),
    () => undefined,
  );
}

export function useLiveHealth(instanceId: string): LiveHealth | undefined {
  const { store } = useRealtime();
  return useSyncExternalStore(
    store.subscribe,
    () => store.getHealth(instanceId),
    () => undefined,
  );
}

/**
 * Calls `handler` for every feature event (see FeatureEvent), `{ type: "resync" }` included. The handler may change
 * between renders without re-subscribing.
 */
export function useRealtimeEvents(handler: (e: FeatureEvent) => void): void {
  const { store } = useRealtime();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => store.onEvent((e) => ref.current(e)), [store]);
}

/** The latest `import:progress` event of an import (counts so far), or undefined before the first one. */
export function useLiveImport(importId: string | null): LiveImport | undefined {
  const { store } = useRealtime();
  return useSyncExternalStore(
    store.subscribe,
    () => (importId ? store.getImport(importId) : undefined),
    () => undefined,
  );
}
