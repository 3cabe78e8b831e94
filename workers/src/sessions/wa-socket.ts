import type { Logger } from "@mirage/logger";
import makeWASocket, {
  type AuthenticationState,
  Browsers,
  DEFAULT_CONNECTION_CONFIG,
  jidNormalizedUser,
  type UserFacingSocketConfig,
  type WASocket,
} from "@whiskeysockets/baileys";

export type { WASocket };

import type { SocketTuning } from "./host-options.ts";
import type { Account } from "./session-types.ts";
import { withSharedContextStorage } from "./shared-context-storage.ts";
import type { WaTarget } from "./types.ts";

/** The WhatsApp Web version bundled with Baileys; configurable because a stale one is refused with 405. */
export const BUNDLED_WA_VERSION = DEFAULT_CONNECTION_CONFIG.version;

let installedRoot: string | undefined;

/**
 * In simulator mode only, makes this process trust wa-sim's certificate root. The hook is imported dynamically so
 * a production worker neither loads nor ships `@mirage/wa-sim` (a dev dependency). Call before `createWaSocket`.
 */
export async function prepareTarget(target: WaTarget): Promise<void> {
  if (target.kind !== "simulator" || installedRoot === target.rootPublicKeyHex) return;
  const { installSimulatorCertificate } = await import("@mirage/wa-sim/certificate-hook");
  installSimulatorCertificate(Buffer.from(target.rootPublicKeyHex, "hex"));
  installedRoot = target.rootPublicKeyHex;
}

export function createWaSocket(
  target: WaTarget,
  auth: AuthenticationState,
  logger: Logger,
  tuning: SocketTuning = {},
  getMessage?: UserFacingSocketConfig["getMessage"],
): WASocket {
  if (target.kind === "simulator" && installedRoot !== target.rootPublicKeyHex) {
    throw new Error("prepareTarget(target) must run before sockets are created in simulator mode");
  }
  // Baileys' key store would register a storage of its own with the runtime for every socket ever made, taxing
  // every later await (shared-context-storage.ts): it gets a view of one shared storage instead.
  const sock = withSharedContextStorage(() =>
    makeWASocket({
      auth,
      // Never fetched online (fetchLatestBaileysVersion would reach GitHub): pinned, overridable by config.
      version: target.version ?? BUNDLED_WA_VERSION,
      logger,
      browser: Browsers.ubuntu("Mirage"),
      // Keep the phone receiving notifications, and skip history entirely: it is the biggest memory cost with many
      // sessions, and while Baileys waits for it on a first login it holds back events (receipts, acks) for up to
      // 20 s. LID mappings then come from device-list queries (usync) instead of the history bootstrap.
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      generateHighQualityLinkPreview: false,
      connectTimeoutMs: tuning.connectTimeoutMs ?? 20_000,
      ...(tuning.qrTimeoutMs ? { qrTimeout: tuning.qrTimeoutMs } : {}),
      ...(tuning.keepAliveIntervalMs ? { keepAliveIntervalMs: tuning.keepAliveIntervalMs } : {}),
      ...(target.kind === "simulator" ? { waWebSocketUrl: target.url } : {}),
      // What a recipient's retry receipt asks to be written again, once Baileys' own recent-message cache lacks it.
      ...(getMessage ? { getMessage } : {}),
    }),
  );
  keepPrivacyTokenWrites(sock, auth);
  return sock;
}

/**
 * Baileys (7.0.0-rc14) records that it issued its privacy token to a contact (`tctoken`, with the time it did) from
 * a promise chain started inside the send's key transaction; the chain ends after that transaction committed, so
 * the write lands in the finished transaction's memory and is lost — and every later message to the contact issues
 * the token again: one more IQ to WhatsApp per message, where the official client sends one a week. Token writes
 * made inside a transaction also go to the store directly (the same value a live transaction would commit: writing
 * it twice is harmless).
 */
export function keepPrivacyTokenWrites(sock: WASocket, auth: AuthenticationState): void {
  const keys = sock.authState.keys;
  const set = keys.set.bind(keys);
  keys.set = async (data) => {
    await set(data);
    if (data.tctoken && keys.isInTransaction()) await auth.keys.set({ tctoken: data.tctoken });
  };
}

/** The account a socket logged in as, in Mirage's terms (normalized JIDs; E.164 when the user part is a number). */
export function toAccount(jid: string, lid?: string | null): Account {
  const user = jidNormalizedUser(jid).split("@")[0] ?? "";
  return {
    jid: jidNormalizedUser(jid),
    lid: lid ? jidNormalizedUser(lid) : null,
    phoneE164: /^[1-9][0-9]{6,14}$/.test(user) ? `+${user}` : null,
  };
}
