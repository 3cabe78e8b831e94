import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import {
  findHostedInstance,
  type HostedInstance,
  listAssignedInstances,
  removeFromSenderPools,
  writeHealthSample,
  writeHostedStatus,
} from "@mirage/db/instances";
import { clearAuthState } from "@mirage/db/wa-auth";
import { enqueueWebhookEvent } from "@mirage/db/webhooks";
import type { Logger } from "@mirage/logger";
import type { KeyRing } from "@mirage/secrets";
import type { EventSink, QrStore } from "../bus/redis-bus.ts";
import { AuthStateUnreadableError, FencedError, loadPostgresAuthState, type PostgresAuthState } from "./auth-state.ts";
import { HealthTracker, scoreHealth } from "./health.ts";
import { renderQr } from "./qr.ts";
import { DEFAULT_RECONNECT_POLICY, decideReconnect, type ReconnectPolicyOptions } from "./reconnect-policy.ts";
import { type Account, type InboundText, type MessageStatusUpdate, Session } from "./session.ts";
import type { SocketTuning, WaTarget } from "./wa-socket.ts";

export type SessionHostOptions = {
  /** QR codes shown before giving up with `pairing_expired` (WhatsApp offers six per connection). */
  maxQrAttempts: number;
  /** A send without a server ack after this long counts as "not delivering". */
  ackTimeoutMs: number;
  reconnect: ReconnectPolicyOptions;
  /** Sockets opened per second when restoring many instances at start (spreads the login storm). */
  restoreRatePerSecond: number;
  healthIntervalMs: number;
  /** How long an instance stays `restricted` after the new-chat cap refused a message. */
  newChatCapCooldownMs: number;
  socket: SocketTuning;
};

export const DEFAULT_SESSION_HOST_OPTIONS: SessionHostOptions = {
  maxQrAttempts: 5,
  ackTimeoutMs: 20_000,
  reconnect: DEFAULT_RECONNECT_POLICY,
  restoreRatePerSecond: 10,
  healthIntervalMs: 30_000,
  newChatCapCooldownMs: 6 * 3_600_000,
  socket: {},
};

/** For the send pipeline: receipts and inbound messages of every hosted instance. */
export type SessionHostHooks = {
  onMessageStatus?(instanceId: string, orgId: string, update: MessageStatusUpdate): void;
  onInbound?(instanceId: string, orgId: string, message: InboundText): void;
};

export type SessionHostDeps = {
  workerId: string;
  db: Database;
  ring: KeyRing;
  target: WaTarget;
  logger: Logger;
  events: EventSink;
  qrStore: QrStore;
  options?: Partial<SessionHostOptions>;
  hooks?: SessionHostHooks;
  /** The logger handed to Baileys (noisy at info); defaults to a child at warn. */
  baileysLogger?: Logger;
};

type Hosted = {
  id: string;
  orgId: string;
  epoch: number;
  status: TInstanceStatus;
  auth?: PostgresAuthState;
  session?: Session;
  health: HealthTracker;
  attempt: number;
  lastReplacedAt?: number;
  retryTimer?: NodeJS.Timeout;
  qrCount: number;
  /** Fresh credentials: the socket shows QR codes (or waits for a pairing code) until the phone links it. */
  pairing: boolean;
  /** Set once a stop/logout/drop began: the socket's close is ours, not WhatsApp's. */
  stopping: boolean;
  /** Last health published to webhooks: integrations hear about changes, not every sample. */
  lastHealthKey?: string;
  logger: Logger;
};

const TERMINAL: TInstanceStatus[] = ["logged_out", "banned", "pairing_expired", "failed", "stopped"];
const RUNNING: TInstanceStatus[] = ["pending_pairing", "connecting", "connected", "degraded", "restricted"];

/**
 * Hosts the WhatsApp sockets of the instances placed on this worker: one live socket per instance, the reconnect
 * policy per disconnect reason, the state machine with its history, health samples, and fencing — a host whose
 * epoch is stale drops its sockets without writing anything.
 */
export class SessionHost {
  private readonly hosted = new Map<string, Hosted>();
  private readonly opts: SessionHostOptions;
  private readonly log: Logger;
  private healthTimer: NodeJS.Timeout | undefined;
  private restoreQueue: string[] = [];
  private restoring: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: SessionHostDeps) {
    this.opts = { ...DEFAULT_SESSION_HOST_OPTIONS, ...deps.options };
    this.log = deps.logger.child({ module: "sessions" });
  }

  get size(): number {
    return this.hosted.size;
  }

  /** Status of every hosted instance (for health checks and tests). */
  snapshot(): { id: string; status: TInstanceStatus; epoch: number; hasSocket: boolean }[] {
    return [...this.hosted.values()].map((h) => ({
      id: h.id,
      status: h.status,
      epoch: h.epoch,
      hasSocket: !!h.session,
    }));
  }

  session(instanceId: string): Session | undefined {
    return this.hosted.get(instanceId)?.session;
  }

  startHealthLoop(): void {
    this.healthTimer = setInterval(() => {
      this.sampleHealth().catch((err: unknown) => this.log.error({ err }, "health sampling failed"));
    }, this.opts.healthIntervalMs);
    this.healthTimer.unref();
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Starts (or restores) an instance assigned to this worker. Starting a running instance is a no-op that says so. */
  async start(instanceId: string): Promise<TWorkerCommandResult> {
    const inst = await this.deps.db.asService((tx) => findHostedInstance(tx, instanceId));
    if (!inst) return { ok: false, outcome: "not_found" };
    if (inst.workerId !== this.deps.workerId) return { ok: false, outcome: "not_assigned" };
    const existing = this.hosted.get(instanceId);
    if (existing && existing.epoch === inst.epoch && !existing.stopping && (existing.session || existing.retryTimer)) {
      return {
        ok: true,
        outcome: existing.status === "connected" ? "already_connected" : "already_running",
        status: existing.status,
      };
    }
    if (existing) this.drop(existing, "superseded by a newer assignment");
    const h = this.track(inst);
    await this.open(h);
    return { ok: true, outcome: "started", status: h.status };
  }

  async stop(instanceId: string): Promise<TWorkerCommandResult> {
    const h = this.hosted.get(instanceId);
    if (!h) return { ok: true, outcome: "not_running" };
    this.halt(h);
    await h.session?.flushCreds();
    await this.writeStatus(h, "stopped", "stopped_by_user");
    this.hosted.delete(instanceId);
    return { ok: true, outcome: "stopped", status: "stopped" };
  }

  async restart(instanceId: string): Promise<TWorkerCommandResult> {
    const h = this.hosted.get(instanceId);
    if (!h) return this.start(instanceId);
    this.halt(h);
    h.stopping = false;
    h.attempt = 0;
    await this.open(h);
    return { ok: true, outcome: "restarted", status: h.status };
  }

  /** Unlinks the device from the phone and wipes the credentials; a new QR is needed afterwards. */
  async logout(instanceId: string, reason = "logged_out_by_user"): Promise<TWorkerCommandResult> {
    const h = this.hosted.get(instanceId);
    if (h) {
      h.stopping = true;
      if (h.retryTimer) clearTimeout(h.retryTimer);
      await h.session?.logout();
      await h.session?.flushCreds();
      h.session = undefined;
      await this.wipeCreds(h);
    } else {
      await this.deps.db.asService((tx) => clearAuthState(tx, instanceId));
    }
    if (h) {
      await this.writeStatus(h, "logged_out", reason);
      this.hosted.delete(instanceId);
    }
    return { ok: true, outcome: "logged_out", status: "logged_out" };
  }

  async remove(instanceId: string): Promise<TWorkerCommandResult> {
    await this.logout(instanceId, "deleted");
    await this.deps.qrStore.delete(instanceId);
    return { ok: true, outcome: "deleted" };
  }

  async requestPairingCode(instanceId: string, phoneDigits: string): Promise<TWorkerCommandResult> {
    let h = this.hosted.get(instanceId);
    if (!h?.session) {
      const started = await this.start(instanceId);
      if (!started.ok) return started;
      h = this.hosted.get(instanceId);
    }
    if (!h?.session) return { ok: false, outcome: "not_running" };
    if (!h.pairing) return { ok: false, outcome: "already_paired", status: h.status };
    const code = await h.session.requestPairingCode(phoneDigits);
    return { ok: true, outcome: "pairing_code", pairingCode: code, status: h.status };
  }

  /**
   * Brings the hosted set in line with the database: starts what is assigned here and should run (staggered),
   * stops what should not, and drops what was reassigned (fenced). Safe to call any time, repeatedly.
   */
  async reconcile(): Promise<{ toStart: number; dropped: number }> {
    const assigned = await this.deps.db.asService((tx) => listAssignedInstances(tx, this.deps.workerId));
    const byId = new Map(assigned.map((i) => [i.id, i]));
    let dropped = 0;
    for (const h of [...this.hosted.values()]) {
      const inst = byId.get(h.id);
      if (!inst || inst.epoch !== h.epoch) {
        this.drop(h, "reassigned to another worker");
        dropped++;
      } else if (inst.desiredState === "stopped") {
        await this.stop(h.id);
      }
    }
    const queued = new Set(this.restoreQueue);
    const toStart = assigned.filter(
      (i) =>
        i.desiredState === "running" && !TERMINAL.includes(i.status) && !this.hosted.has(i.id) && !queued.has(i.id),
    );
    this.restoreQueue.push(...toStart.map((i) => i.id));
    this.restoring ??= this.drainRestoreQueue().finally(() => {
      this.restoring = undefined;
    });
    return { toStart: toStart.length, dropped };
  }

  /** Resolves when every instance queued by reconcile has had its socket opened. */
  async restored(): Promise<void> {
    while (this.restoring) await this.restoring;
  }

  /** Ends every socket (never logs out: the credentials stay valid for the next host). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.restoreQueue = [];
    const sessions = [...this.hosted.values()].flatMap((h) => (h.session ? [h.session] : []));
    for (const h of this.hosted.values()) this.halt(h);
    // Credentials Baileys handed us just before the end must still reach Postgres.
    await Promise.all(sessions.map((s) => s.flushCreds()));
    this.hosted.clear();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────────

  private async drainRestoreQueue(): Promise<void> {
    const gapMs = 1000 / Math.max(1, this.opts.restoreRatePerSecond);
    while (this.restoreQueue.length > 0 && !this.closed) {
      const id = this.restoreQueue.shift();
      if (!id) continue;
      const t = Date.now();
      await this.start(id).catch((err: unknown) => this.log.error({ err, instanceId: id }, "restore failed"));
      const wait = gapMs - (Date.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  private track(inst: HostedInstance): Hosted {
    const h: Hosted = {
      id: inst.id,
      orgId: inst.orgId,
      epoch: inst.epoch,
      status: inst.status,
      health: new HealthTracker(this.opts.ackTimeoutMs),
      attempt: 0,
      qrCount: 0,
      pairing: !inst.hasCreds,
      stopping: false,
      logger: this.log.child({ instanceId: inst.id }),
    };
    if (inst.restrictedUntil && inst.restrictedUntil.getTime() > Date.now()) {
      h.health.restrictedUntil = inst.restrictedUntil.getTime();
    }
    this.hosted.set(inst.id, h);
    return h;
  }

  private async open(h: Hosted): Promise<void> {
    if (this.closed || h.stopping) return;
    try {
      h.auth ??= await loadPostgresAuthState({
        db: this.deps.db,
        ring: this.deps.ring,
        fence: { instanceId: h.id, epoch: h.epoch },
      });
    } catch (err) {
      if (err instanceof AuthStateUnreadableError) {
        // A corrupt row must not take the worker down, nor be overwritten: it may be recoverable with the right key.
        h.logger.error({ err }, "auth state unreadable");
        await this.writeStatus(h, "failed", "auth_state_unreadable", { alert: true });
        this.hosted.delete(h.id);
        return;
      }
      throw err;
    }
    h.pairing = !h.auth.isRegistered();
    h.qrCount = 0;
    const opening = h.pairing ? "pending_pairing" : "connecting";
    // After a backoff the row already says connecting, with the reason why: no second row for the same state.
    if (h.status !== opening) await this.writeStatus(h, opening, null);
    if (!this.hosted.has(h.id) || h.stopping) return;
    const session = new Session({
      instanceId: h.id,
      auth: h.auth,
      target: this.deps.target,
      logger: this.deps.baileysLogger ?? h.logger.child({ module: "baileys" }, { level: "warn" }),
      ackTimeoutMs: this.opts.ackTimeoutMs,
      health: h.health,
      tuning: this.opts.socket,
      events: {
        qr: (qr) =>
          void this.onQr(h, session, qr).catch((err: unknown) => h.logger.error({ err }, "qr handling failed")),
        opened: (account) =>
          void this.onOpen(h, session, account).catch((err: unknown) =>
            h.logger.error({ err }, "open handling failed"),
          ),
        closed: (info) =>
          void this.onClose(h, session, info).catch((err: unknown) => h.logger.error({ err }, "close handling failed")),
        restriction: (info) =>
          void this.onRestriction(h, info).catch((err: unknown) =>
            h.logger.error({ err }, "restriction handling failed"),
          ),
        messageStatus: (update) => this.onMessageStatus(h, update),
        inbound: (message) => this.deps.hooks?.onInbound?.(h.id, h.orgId, message),
        fatal: (err) => {
          if (err instanceof FencedError) this.drop(h, "fenced while saving credentials");
          else h.logger.error({ err }, "session failed");
        },
      },
    });
    h.session = session;
    session.start();
  }

  private async onQr(h: Hosted, session: Session, qr: string): Promise<void> {
    if (h.session !== session || this.closed) return;
    h.qrCount++;
    if (h.qrCount > this.opts.maxQrAttempts) {
      h.stopping = true;
      session.end();
      h.session = undefined;
      await this.wipeCreds(h);
      await this.writeStatus(h, "pairing_expired", "qr_attempts_exhausted");
      this.hosted.delete(h.id);
      return;
    }
    // WhatsApp shows the first QR for 60 s and the next ones for 20 s.
    const ttlMs = h.qrCount === 1 ? 60_000 : 20_000;
    const rendered = await renderQr(qr);
    const data = {
      instanceId: h.id,
      qr,
      dataUrl: rendered.dataUrl,
      attempt: h.qrCount,
      expiresAt: new Date(Date.now() + ttlMs).toISOString(),
    };
    await this.deps.qrStore.set(data, ttlMs);
    await this.deps.events.publish({ orgId: h.orgId, event: "instance:qr", data });
    // Status changes reach webhooks through the instances trigger; a QR has no row, so it is enqueued here.
    await this.deps.db.asService((tx) =>
      enqueueWebhookEvent(tx, {
        orgId: h.orgId,
        type: "instance:qr",
        payload: { instanceId: h.id, qr, attempt: h.qrCount, expiresAt: data.expiresAt },
      }),
    );
  }

  private async onOpen(h: Hosted, session: Session, account: Account): Promise<void> {
    if (h.session !== session || this.closed) return;
    h.attempt = 0;
    h.pairing = false;
    await this.deps.qrStore.delete(h.id);
    const restricted = h.health.restrictedUntil !== null && h.health.restrictedUntil > Date.now();
    await this.writeStatus(h, restricted ? "restricted" : "connected", restricted ? "reach_out_timelock" : null, {
      account: {
        jid: account.jid,
        ...(account.lid ? { lid: account.lid } : {}),
        ...(account.phoneE164 ? { phoneE164: account.phoneE164 } : {}),
      },
      ...(restricted && h.health.restrictedUntil ? { restrictedUntil: new Date(h.health.restrictedUntil) } : {}),
    });
  }

  private async onClose(
    h: Hosted,
    session: Session,
    info: { statusCode: number | undefined; message: string },
  ): Promise<void> {
    if (h.session !== session) return;
    h.session = undefined;
    if (h.stopping || this.closed) return;
    const now = Date.now();
    const decision = decideReconnect(
      {
        statusCode: info.statusCode,
        attempt: h.attempt,
        now,
        pairing: h.pairing,
        message: info.message,
        ...(h.lastReplacedAt !== undefined ? { lastReplacedAt: h.lastReplacedAt } : {}),
      },
      this.opts.reconnect,
    );
    if (info.statusCode === 440) h.lastReplacedAt = now;
    h.logger.info({ statusCode: info.statusCode, decision }, "socket closed");
    switch (decision.action) {
      case "reconnect":
        await this.open(h);
        return;
      case "backoff": {
        h.attempt++;
        await this.writeStatus(h, "connecting", `reconnecting_after_${info.statusCode ?? "unknown"}`, {
          detail: { attempt: h.attempt, delayMs: decision.delayMs },
        });
        if (!this.hosted.has(h.id) || h.stopping) return;
        h.retryTimer = setTimeout(() => {
          h.retryTimer = undefined;
          this.open(h).catch((err: unknown) => h.logger.error({ err }, "reconnect failed"));
        }, decision.delayMs);
        h.retryTimer.unref();
        return;
      }
      case "stop": {
        h.stopping = true;
        if (decision.wipeCreds) await this.wipeCreds(h);
        if (decision.status === "banned") {
          // A banned number must leave every sender pool before the next round picks it.
          const removed = await this.deps.db.asService((tx) => removeFromSenderPools(tx, h.id));
          h.logger.warn({ removedFromPools: removed }, "instance banned");
        }
        await this.writeStatus(h, decision.status, decision.reason, {
          alert: decision.alert,
          detail: { code: info.statusCode },
        });
        this.hosted.delete(h.id);
      }
    }
  }

  private async onRestriction(h: Hosted, info: { active: boolean; until: Date | null }): Promise<void> {
    if (info.active) {
      await this.writeStatus(h, "restricted", "reach_out_timelock", {
        restrictedUntil: info.until,
        detail: { until: info.until?.toISOString() ?? null },
      });
    } else if (h.status === "restricted" && h.session) {
      await this.writeStatus(h, "connected", null);
    }
  }

  private onMessageStatus(h: Hosted, update: MessageStatusUpdate): void {
    this.deps.hooks?.onMessageStatus?.(h.id, h.orgId, update);
    if (update.status === "error" && update.errorCode === "463" && h.health.restrictedUntil === null) {
      // 463 without a timelock notification: the new-chat cap. Existing chats still work; new ones must wait.
      const until = new Date(Date.now() + this.opts.newChatCapCooldownMs);
      h.health.restrictedUntil = until.getTime();
      void this.writeStatus(h, "restricted", "new_chat_cap", { restrictedUntil: until }).catch((err: unknown) =>
        h.logger.error({ err }, "restriction write failed"),
      );
    }
  }

  private async sampleHealth(): Promise<void> {
    const now = Date.now();
    for (const h of [...this.hosted.values()]) {
      if (!h.session || h.stopping) continue;
      const metrics = h.health.metrics(now);
      const { score, reasons } = scoreHealth(metrics, now);
      // Status follows health: a socket that is open but not delivering is degraded; an expired restriction lifts.
      if (h.status === "restricted" && (metrics.restrictedUntil === null || metrics.restrictedUntil <= now)) {
        h.health.restrictedUntil = null;
        await this.writeStatus(h, "connected", null);
      } else if (h.status === "connected" && metrics.unackedOverdue > 0) {
        await this.writeStatus(h, "degraded", "not_delivering", { detail: { unacked: metrics.unackedOverdue } });
      } else if (h.status === "degraded" && metrics.unackedOverdue === 0) {
        await this.writeStatus(h, "connected", null);
      }
      const ok = await this.deps.db.asService((tx) =>
        writeHealthSample(tx, {
          instanceId: h.id,
          workerId: this.deps.workerId,
          epoch: h.epoch,
          score,
          reasons,
          metrics: metrics as unknown as Record<string, unknown>,
          lastInboundAt: metrics.lastInboundAt ? new Date(metrics.lastInboundAt) : null,
          lastOutboundAt: metrics.lastOutboundAt ? new Date(metrics.lastOutboundAt) : null,
        }),
      );
      if (!ok) {
        this.drop(h, "fenced during health sampling");
        continue;
      }
      const healthKey = `${Math.round(score / 10)}:${reasons.join(",")}`;
      if (healthKey !== h.lastHealthKey) {
        h.lastHealthKey = healthKey;
        await this.deps.db.asService((tx) =>
          enqueueWebhookEvent(tx, {
            orgId: h.orgId,
            type: "instance:health",
            payload: { instanceId: h.id, score, reasons },
          }),
        );
      }
      await this.deps.events.publish({
        orgId: h.orgId,
        event: "instance:health",
        data: {
          instanceId: h.id,
          score,
          reasons,
          metrics: metrics as unknown as Record<string, unknown>,
          at: new Date(now).toISOString(),
        },
      });
    }
  }

  /** Runs the health sampling once now (tests and the metrics endpoint). */
  async sampleHealthNow(): Promise<void> {
    await this.sampleHealth();
  }

  private async writeStatus(
    h: Hosted,
    to: TInstanceStatus,
    reason: string | null,
    extra: {
      alert?: boolean;
      detail?: Record<string, unknown>;
      account?: { jid?: string; lid?: string; phoneE164?: string };
      restrictedUntil?: Date | null;
    } = {},
  ): Promise<void> {
    // After close() began, late socket events must not write: the process is handing the instance over.
    if (this.closed) return;
    const result = await this.deps.db.asService((tx) =>
      writeHostedStatus(tx, {
        instanceId: h.id,
        workerId: this.deps.workerId,
        epoch: h.epoch,
        to,
        reason,
        ...(extra.detail ? { detail: extra.detail } : {}),
        ...(extra.account ? { account: extra.account } : {}),
        ...(extra.restrictedUntil !== undefined ? { restrictedUntil: extra.restrictedUntil } : {}),
      }),
    );
    if (result.result === "fenced") {
      this.drop(h, "fenced on status write");
      return;
    }
    const previous = h.status;
    h.status = to;
    if (result.result !== "ok") return;
    h.logger.info({ from: result.from, to, reason }, "instance status");
    await this.deps.events.publish({
      orgId: h.orgId,
      event: "instance:status",
      data: {
        instanceId: h.id,
        status: to,
        previous: result.from ?? previous,
        reason,
        alert: extra.alert ?? false,
        at: new Date().toISOString(),
      },
    });
  }

  /** The credentials are dead: stop every write through them, then delete them. */
  private async wipeCreds(h: Hosted): Promise<void> {
    await h.auth?.revoke();
    h.auth = undefined;
    await this.deps.db.asService((tx) => clearAuthState(tx, h.id));
    await this.deps.qrStore.delete(h.id);
  }

  /** Ends the socket and any pending retry, without touching the database. */
  private halt(h: Hosted): void {
    h.stopping = true;
    if (h.retryTimer) clearTimeout(h.retryTimer);
    h.retryTimer = undefined;
    h.session?.end();
    h.session = undefined;
  }

  /** Fenced or reassigned: another host owns the instance now, so leave without a single write. */
  private drop(h: Hosted, why: string): void {
    h.logger.warn({ why }, "dropping instance");
    this.halt(h);
    if (this.hosted.get(h.id) === h) this.hosted.delete(h.id);
  }

  isRunningStatus(status: TInstanceStatus): boolean {
    return RUNNING.includes(status);
  }
}
