import type { Logger } from "@mirage/logger";
import { installSimulatorCertificate } from "@mirage/wa-sim/certificate-hook";
import makeWASocket, {
  type AuthenticationState,
  Browsers,
  DEFAULT_CONNECTION_CONFIG,
  type WASocket,
} from "@whiskeysockets/baileys";

export type { WASocket };

/** Where sockets connect: WhatsApp itself, or wa-sim (whose certificate root this process then trusts). */
export type WaTarget =
  | { kind: "real"; version?: [number, number, number] }
  | { kind: "simulator"; url: string; rootPublicKeyHex: string; version?: [number, number, number] };

/** The WhatsApp Web version bundled with Baileys; configurable because a stale one is refused with 405. */
export const BUNDLED_WA_VERSION = DEFAULT_CONNECTION_CONFIG.version;

let installedRoot: string | undefined;

/** Timers worth tuning (tests shorten them; production keeps Baileys' defaults). */
export type SocketTuning = { qrTimeoutMs?: number; connectTimeoutMs?: number; keepAliveIntervalMs?: number };

export function createWaSocket(
  target: WaTarget,
  auth: AuthenticationState,
  logger: Logger,
  tuning: SocketTuning = {},
): WASocket {
  if (target.kind === "simulator" && installedRoot !== target.rootPublicKeyHex) {
    installSimulatorCertificate(Buffer.from(target.rootPublicKeyHex, "hex"));
    installedRoot = target.rootPublicKeyHex;
  }
  return makeWASocket({
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
  });
}
