import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { Logger } from "@mirage/logger";
import type { PostgresAuthState } from "./auth-state.ts";
import type { HealthTracker } from "./health.ts";
import type { SessionHostOptions } from "./host-options.ts";
import type { Session } from "./session.ts";
import type { SessionHostDeps } from "./types.ts";

/** One instance this worker hosts: its socket (if open), its auth state and where it is in its lifecycle. */
export type Hosted = {
  id: string;
  orgId: string;
  epoch: number;
  status: TInstanceStatus;
  /** The reason last written with `status` (re-asserted when someone else rewrote the row). */
  statusReason?: string | null;
  /** The number the instance was created for (E.164), to compare with the one that links. */
  expectedPhone: string | null;
  auth?: PostgresAuthState;
  session?: Session;
  health: HealthTracker;
  attempt: number;
  lastReplacedAt?: number;
  retryTimer?: NodeJS.Timeout;
  qrCount: number;
  /** Fresh credentials: the socket shows QR codes (or waits for a pairing code) until the phone links it. */
  pairing: boolean;
  /** The pairing code handed out on this socket, while it is valid (a repeat request returns the same code). */
  pairingCode?: { code: string; phoneDigits: string; expiresAt: number };
  /** When this socket showed its first QR: WhatsApp's QR refs (and a pairing code with them) end a window later. */
  qrWindowStartedAt?: number;
  /** The account that linked is not the number the instance was created for (kept as a status reason). */
  phoneMismatch?: boolean;
  /** Set once a stop/logout/drop began: the socket's close is ours, not WhatsApp's. */
  stopping: boolean;
  /** Last health published to webhooks: integrations hear about changes, not every sample. */
  lastHealthKey?: string;
  logger: Logger;
};

export const TERMINAL: readonly TInstanceStatus[] = ["logged_out", "banned", "pairing_expired", "failed", "stopped"];
/** Statuses with a logged-in socket: the only ones a health score describes. */
export const ONLINE: readonly TInstanceStatus[] = ["connected", "degraded", "restricted"];

export type StatusExtra = {
  alert?: boolean;
  detail?: Record<string, unknown>;
  account?: { jid?: string; lid?: string; phoneE164?: string; replacesRequested?: boolean };
  restrictedUntil?: Date | null;
};

/** What the host's parts (socket events, health sampler, reconciler) share. The host implements it. */
export type HostContext = {
  readonly deps: SessionHostDeps;
  readonly opts: SessionHostOptions;
  readonly log: Logger;
  readonly hosted: Map<string, Hosted>;
  readonly closed: boolean;
  /** Writes a status change (fenced by worker and epoch), its history row, and publishes `instance:status`. */
  writeStatus(h: Hosted, to: TInstanceStatus, reason: string | null, extra?: StatusExtra): Promise<void>;
  /** The credentials are dead: stop every write through them, then delete them. */
  wipeCreds(h: Hosted): Promise<void>;
  /**
   * No longer hosted here, credentials kept: the Signal key writes still pending (some are written behind) are
   * committed, and the key store takes no more.
   */
  releaseKeys(h: Hosted): Promise<void>;
  /** Opens a socket for `h` (after a backoff, a 515, or a command). */
  open(h: Hosted): Promise<void>;
  /** Fenced or reassigned: another host owns the instance now, so leave without a single write. */
  drop(h: Hosted, why: string): void;
};
