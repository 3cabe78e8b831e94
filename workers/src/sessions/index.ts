/**
 * The sessions port: everything the rest of the worker may ask of the WhatsApp instances this process hosts.
 *
 * Only plain data crosses this boundary — no Baileys type, no socket, no session-host internals. Features such as
 * `messaging/` (send path, inbound pipeline) and `campaigns/` (round consumer) depend on `SessionsPort` only; the
 * composition root (`worker-process.ts`) is the one place that also uses `SessionHost` (lifecycle and commands).
 * A lint rule keeps it so: outside `workers/src/sessions/`, only this file may be imported.
 */

export { DEFAULT_SESSION_HOST_OPTIONS, type SessionHostOptions } from "./host-options.ts";
export { DEFAULT_RECONNECT_POLICY, type ReconnectPolicyOptions } from "./reconnect-policy.ts";
export { createSessionHost } from "./session-host.ts";
export { BAILEYS_TIMING_STACKS } from "./stack-traces.ts";
export type {
  EventSink,
  HostedSnapshot,
  InboundMessage,
  NotReadyReason,
  QrStore,
  Receipt,
  ResolvedNumber,
  SendReadiness,
  SendTextInput,
  SessionHost,
  SessionHostDeps,
  SessionsPort,
  SignalKeyWrites,
  Unsubscribe,
  WaTarget,
} from "./types.ts";
export { SessionNotReadyError } from "./types.ts";
