import { createLogger } from "@mirage/logger";
import makeWASocket, {
  type AuthenticationState,
  DEFAULT_CONNECTION_CONFIG,
  initAuthCreds,
  type SignalDataSet,
  type SignalDataTypeMap,
  type UserFacingSocketConfig,
  type WASocket,
} from "@whiskeysockets/baileys";
import { installSimulatorCertificate } from "../certificate-hook.ts";
import type { Simulator } from "../core/simulator.ts";

export type { WASocket };

/** The WhatsApp Web version bundled with Baileys 7.0.0-rc14: passed explicitly so nothing fetches it online. */
export const SIM_WA_VERSION = DEFAULT_CONNECTION_CONFIG.version;

/** Baileys auth state kept in memory: fresh creds and a Map-backed key store (null deletes). */
export function makeMemoryAuthState(): AuthenticationState {
  const creds = initAuthCreds();
  const store = new Map<string, unknown>();
  return {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          const value = store.get(`${type}:${id}`);
          if (value !== undefined) out[id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set: async (data: SignalDataSet) => {
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) store.delete(`${type}:${id}`);
            else store.set(`${type}:${id}`, value);
          }
        }
      },
    },
  };
}

export type SimSocketOptions = {
  auth?: AuthenticationState;
  /** Anything else for `makeWASocket` (logger, timeouts…); the simulator's URL and version always win. */
  config?: Partial<UserFacingSocketConfig>;
};

const silentLogger = createLogger({ service: "baileys", level: "silent" });

/**
 * A real Baileys socket pointed at the simulator, with its certificate root trusted in this process and the
 * settings a test wants: no online presence, no history sync, explicit version.
 */
export function makeSimSocket(sim: SimTarget, options: SimSocketOptions = {}) {
  installSimulatorCertificate(sim.rootPublicKey);
  const auth = options.auth ?? makeMemoryAuthState();
  const sock = makeWASocket({
    logger: silentLogger,
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    connectTimeoutMs: 30_000,
    ...options.config,
    auth,
    waWebSocketUrl: sim.url,
    version: SIM_WA_VERSION,
  });
  return { sock, auth };
}

export type ConnectionResult =
  | { connection: "open" }
  | { connection: "close"; statusCode: number | undefined; message: string };

/** Resolves when the socket opens or closes (with Baileys' `DisconnectReason` status code). */
export function waitForConnection(sock: WASocket, onQr?: (qr: string) => void): Promise<ConnectionResult> {
  return new Promise((resolve) => {
    sock.ev.on("connection.update", (update) => {
      if (update.qr && onQr) onQr(update.qr);
      if (update.connection === "open") resolve({ connection: "open" });
      if (update.connection === "close") {
        const error = update.lastDisconnect?.error as
          | { output?: { statusCode?: number }; message?: string }
          | undefined;
        resolve({ connection: "close", statusCode: error?.output?.statusCode, message: error?.message ?? "" });
      }
    });
  });
}

/** The next QR string the socket emits. */
export function nextQr(sock: WASocket): Promise<string> {
  return new Promise((resolve) => {
    const listener = (update: { qr?: string }) => {
      if (!update.qr) return;
      sock.ev.off("connection.update", listener);
      resolve(update.qr);
    };
    sock.ev.on("connection.update", listener);
  });
}

/** Ends a socket and drops its listeners; safe to call twice. */
export async function closeSocket(sock: WASocket): Promise<void> {
  try {
    await sock.end(undefined);
  } catch {
    // Already closed: end() throws nothing useful to a test.
  }
  sock.ev.removeAllListeners(undefined as never);
}

export type PairedSession = { sock: WASocket; auth: AuthenticationState; deviceId: number };

/** Where a client connects: a `Simulator` in this process, or the URL and root key of one in another process. */
export type SimTarget = Pick<Simulator, "url" | "rootPublicKey">;

/**
 * The whole QR flow as an operator does it: connect, `scan` the first QR (the phone), Baileys closes with 515, a new
 * socket with the same auth logs in and opens.
 */
export async function pairSession(
  target: SimTarget,
  scan: (qr: string) => Promise<{ deviceId: number }> | { deviceId: number },
  options: SimSocketOptions = {},
): Promise<PairedSession> {
  const first = makeSimSocket(target, options);
  let scanned: Promise<{ deviceId: number }> | undefined;
  const closed = await waitForConnection(first.sock, (qr) => {
    scanned ??= Promise.resolve().then(() => scan(qr));
  });
  await closeSocket(first.sock);
  if (closed.connection !== "close" || closed.statusCode !== 515 || !scanned) {
    throw new Error(`expected a 515 restart after pairing, got ${JSON.stringify(closed)}`);
  }
  const { deviceId } = await scanned;
  return { ...(await reconnect(target, first.auth, options)), deviceId };
}

/** `pairSession` with the phone `phone` of an in-process simulator scanning the QR. */
export function pairWithQr(sim: Simulator, phone: string, options: SimSocketOptions = {}): Promise<PairedSession> {
  return pairSession(sim, (qr) => sim.phone(phone).scan(qr), options);
}

/** Opens a new socket with existing auth; throws unless it opens. */
export async function reconnect(
  target: SimTarget,
  auth: AuthenticationState,
  options: SimSocketOptions = {},
): Promise<{ sock: WASocket; auth: AuthenticationState }> {
  const { sock } = makeSimSocket(target, { ...options, auth });
  const result = await waitForConnection(sock);
  if (result.connection !== "open") {
    await closeSocket(sock);
    throw new Error(`expected the session to open, got ${JSON.stringify(result)}`);
  }
  return { sock, auth };
}

/** Resolves with the server's `<ack class="message">` for `messageId` (Baileys emits no event for a good ack). */
export function waitForServerAck(
  sock: WASocket,
  messageId: string,
  timeoutMs = 10_000,
): Promise<{ error: string | undefined }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.ws.off("CB:ack,class:message", listener);
      reject(new Error(`no server ack for ${messageId} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (node: { attrs: Record<string, string> }) => {
      if (node.attrs.id !== messageId) return;
      clearTimeout(timer);
      sock.ws.off("CB:ack,class:message", listener);
      resolve({ error: node.attrs.error });
    };
    sock.ws.on("CB:ack,class:message", listener);
  });
}

export type StatusTracker = {
  /** Statuses seen for `id`, in order, from `messages.upsert` (own messages) and `messages.update`. */
  statuses(id: string): number[];
  /** The stub parameters of an ERROR status (e.g. ["463", …]). */
  errorOf(id: string): string[] | undefined;
  /** Resolves once `id` reached `status` (or ERROR, which rejects). */
  waitFor(id: string, status: number, timeoutMs?: number): Promise<number[]>;
};

/**
 * Follows the status of sent messages. Baileys folds an update into the own message's `messages.upsert` when both
 * land in the same event-buffer window, so both events have to be read.
 */
export function trackMessageStatus(sock: WASocket): StatusTracker {
  const seen = new Map<string, number[]>();
  const errors = new Map<string, string[]>();
  const waiters = new Set<() => void>();
  const note = (id: string | null | undefined, status: number | null | undefined, stub?: string[] | null) => {
    if (!id || typeof status !== "number") return;
    const list = seen.get(id) ?? [];
    if (list.at(-1) !== status) list.push(status);
    seen.set(id, list);
    if (stub) errors.set(id, stub);
    for (const wake of waiters) wake();
  };
  sock.ev.on("messages.upsert", ({ messages }) => {
    for (const m of messages) if (m.key.fromMe) note(m.key.id, m.status, m.messageStubParameters);
  });
  sock.ev.on("messages.update", (updates) => {
    for (const u of updates) note(u.key.id, u.update.status, u.update.messageStubParameters);
  });
  return {
    statuses: (id) => [...(seen.get(id) ?? [])],
    errorOf: (id) => errors.get(id),
    waitFor: (id, status, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const list = seen.get(id) ?? [];
          if (list.includes(status)) done(() => resolve([...list]));
          else if (list.includes(0) && status !== 0)
            done(() => reject(new Error(`message ${id} failed: ${errors.get(id)}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`message ${id} did not reach status ${status} within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      }),
  };
}
