import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import { findHostedInstance, type HostedInstance } from "@mirage/db/instances";
import { findResendableMessage } from "@mirage/db/resendable-messages";
import type { Logger } from "@mirage/logger";
import { AuthStateUnreadableError, FencedError, loadPostgresAuthState } from "./auth-state.ts";
import { sessionBaileysLogger } from "./baileys-logger.ts";
import { handleCommand } from "./commands.ts";
import { HealthTracker } from "./health.ts";
import { sampleHealth } from "./health-sampler.ts";
import { DEFAULT_SESSION_HOST_OPTIONS, type SessionHostOptions } from "./host-options.ts";
import type { HostContext, Hosted, StatusExtra } from "./hosted.ts";
import { logoutOffline, logoutResult } from "./offline-logout.ts";
import { requestPairingCode } from "./pairing-code.ts";
import { createSessionsPort } from "./port.ts";
import { Reconciler } from "./reconciler.ts";
import { Session } from "./session.ts";
import { onClose, onMessageStatus, onOpen, onQr, onRestriction } from "./socket-events.ts";
import { wipeCreds, writeStatus } from "./status-writer.ts";
import type { HostedSnapshot, SessionHostDeps, SessionHost as SessionHostHandle, SessionsPort } from "./types.ts";
import { prepareTarget } from "./wa-socket.ts";

/**
 * Hosts the WhatsApp sockets of the instances placed on this worker: one live socket per instance, the commands
 * the orchestrator sends, and fencing — a host whose epoch is stale drops its sockets without writing anything.
 * Its parts: `socket-events.ts` (the state machine per socket event), `status-writer.ts`, `health-sampler.ts`,
 * `reconciler.ts`, `pairing-code.ts`, `offline-logout.ts`, and `port.ts` (what the rest of the worker sees).
 */
export class SessionHost implements HostContext {
  readonly hosted = new Map<string, Hosted>();
  readonly opts: SessionHostOptions;
  readonly log: Logger;
  closed = false;
  private readonly portParts: ReturnType<typeof createSessionsPort>;
  private readonly reconciler: Reconciler;
  private healthTimer: NodeJS.Timeout | undefined;

  constructor(readonly deps: SessionHostDeps) {
    this.opts = { ...DEFAULT_SESSION_HOST_OPTIONS, ...deps.options };
    this.log = deps.logger.child({ module: "sessions" });
    this.portParts = createSessionsPort(
      (id) => this.hosted.get(id),
      this.log,
      () => this.hosted.entries(),
    );
    this.reconciler = new Reconciler(this, { start: (id) => this.start(id), stop: (id) => this.stop(id) });
  }

  get port(): SessionsPort {
    return this.portParts.port;
  }

  get size(): number {
    return this.hosted.size;
  }

  snapshot(): HostedSnapshot[] {
    return [...this.hosted.values()].map((h) => ({
      id: h.id,
      status: h.status,
      epoch: h.epoch,
      hasSocket: !!h.session,
    }));
  }

  startHealthLoop(): void {
    this.healthTimer = setInterval(() => {
      this.sampleHealthNow().catch((err: unknown) => this.log.error({ err }, "health sampling failed"));
    }, this.opts.healthIntervalMs);
    this.healthTimer.unref();
  }

  sampleHealthNow(): Promise<void> {
    return sampleHealth(this);
  }

  reconcile(): Promise<{ toStart: number; dropped: number }> {
    return this.reconciler.reconcile();
  }

  restored(): Promise<void> {
    return this.reconciler.restored();
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Starts (or restores) an instance assigned to this worker. Starting a running instance is a no-op that says so. */
  async start(instanceId: string): Promise<TWorkerCommandResult> {
    const inst = await this.deps.db.asService((tx) => findHostedInstance(tx, instanceId));
    if (!inst) return { ok: false, outcome: "not_found" };
    if (inst.workerId !== this.deps.workerId) return { ok: false, outcome: "not_assigned", status: inst.status };
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
    // The answer is what happened, not what was asked: unreadable credentials end in `failed`, not "started".
    if (!this.hosted.has(h.id))
      return { ok: false, outcome: h.status === "failed" ? "failed" : "not_running", status: h.status };
    return { ok: true, outcome: "started", status: h.status };
  }

  async stop(instanceId: string): Promise<TWorkerCommandResult> {
    const h = this.hosted.get(instanceId);
    if (!h) return { ok: true, outcome: "not_running", status: await this.storedStatus(instanceId) };
    this.halt(h);
    await h.session?.flushCreds();
    await this.releaseKeys(h);
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

  /**
   * Unlinks the device from the phone and wipes the credentials; a new QR is needed afterwards. An instance not
   * running here right now is logged in briefly with its stored credentials to unlink it (`offline-logout.ts`).
   */
  async logout(instanceId: string, reason = "logged_out_by_user"): Promise<TWorkerCommandResult> {
    const h = this.hosted.get(instanceId);
    if (h && !(h.session && h.health.connected)) {
      // Hosted but not logged in right now (pairing, reconnecting): unlink with a short-lived login instead.
      this.halt(h);
      await h.session?.flushCreds();
      await h.auth?.revoke();
      this.hosted.delete(instanceId);
    }
    if (!h || !this.hosted.has(instanceId)) return logoutOffline(this, instanceId, reason);
    h.stopping = true;
    if (h.retryTimer) clearTimeout(h.retryTimer);
    const unlinked = h.session ? await h.session.logout() : false;
    await h.session?.flushCreds();
    h.session = undefined;
    await this.wipeCreds(h);
    await this.writeStatus(h, "logged_out", reason, { detail: { phoneUnlinked: unlinked } });
    this.hosted.delete(instanceId);
    return logoutResult(unlinked, "logged_out");
  }

  async remove(instanceId: string): Promise<TWorkerCommandResult> {
    const result = await this.logout(instanceId, "deleted");
    await this.deps.qrStore.delete(instanceId);
    return { ...result, outcome: result.outcome.replace(/^logged_out/, "deleted") };
  }

  requestPairingCode(instanceId: string, phoneDigits: string): Promise<TWorkerCommandResult> {
    return requestPairingCode(this, instanceId, phoneDigits, {
      start: (id) => this.start(id),
      restart: (id) => this.restart(id),
    });
  }

  /**
   * A person was erased: the instance's Signal key store and Baileys' LID mapping cache forget them (see
   * `PostgresAuthState.forgetPeople`). Not hosted here: nothing in memory, and the erasure deleted the rows.
   */
  async forgetPerson(instanceId: string, users: string[]): Promise<TWorkerCommandResult> {
    const h = this.hosted.get(instanceId);
    if (!h?.auth) return { ok: true, outcome: "not_hosted" };
    h.session?.forgetPeople(users);
    const forgotten = await h.auth.forgetPeople(users);
    return { ok: true, outcome: "forgotten", forgotten };
  }

  /** Ends every socket (never logs out: the credentials stay valid for the next host). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.reconciler.clear();
    const sessions = [...this.hosted.values()].flatMap((h) => (h.session ? [h.session] : []));
    const auths = [...this.hosted.values()].flatMap((h) => (h.auth ? [h.auth] : []));
    for (const h of this.hosted.values()) this.halt(h);
    // Credentials and Signal keys Baileys handed us just before the end must still reach Postgres.
    await Promise.all([...sessions.map((s) => s.flushCreds()), ...auths.map((a) => a.flush())]);
    this.hosted.clear();
  }

  // ── HostContext ───────────────────────────────────────────────────────────────────────────────────────────

  writeStatus(h: Hosted, to: TInstanceStatus, reason: string | null, extra?: StatusExtra): Promise<void> {
    return writeStatus(this, h, to, reason, extra);
  }

  wipeCreds(h: Hosted): Promise<void> {
    return wipeCreds(this, h);
  }

  async releaseKeys(h: Hosted): Promise<void> {
    const auth = h.auth;
    h.auth = undefined;
    await auth?.flush();
    await auth?.revoke();
  }

  async open(h: Hosted): Promise<void> {
    if (this.closed || h.stopping) return;
    try {
      if (!h.auth) {
        const auth = await loadPostgresAuthState({
          db: this.deps.db,
          ring: this.deps.ring,
          fence: { instanceId: h.id, epoch: h.epoch },
        });
        // A ratchet step committed in the background found the instance hosted elsewhere: stop, as for creds.
        auth.onFenced(() => {
          if (h.auth === auth) this.drop(h, "fenced while saving Signal keys");
        });
        h.auth = auth;
      }
    } catch (err) {
      if (err instanceof AuthStateUnreadableError) {
        // A corrupt row must not take the worker down, nor be overwritten: it may be recoverable with the right key.
        h.logger.error({ err }, "auth state unreadable");
        await this.writeStatus(h, "failed", "auth_state_unreadable", { alert: true });
        h.status = "failed";
        this.hosted.delete(h.id);
        return;
      }
      throw err;
    }
    h.pairing = !h.auth.isRegistered();
    h.qrCount = 0;
    h.qrWindowStartedAt = undefined;
    h.pairingCode = undefined;
    const opening = h.pairing ? "pending_pairing" : "connecting";
    // After a backoff the row already says connecting, with the reason why: no second row for the same state.
    if (h.status !== opening) await this.writeStatus(h, opening, null);
    if (!this.hosted.has(h.id) || h.stopping) return;
    await prepareTarget(this.deps.target);
    const onError = (what: string) => (err: unknown) => h.logger.error({ err }, `${what} handling failed`);
    const session: Session = new Session({
      instanceId: h.id,
      auth: h.auth,
      target: this.deps.target,
      logger: sessionBaileysLogger(this.deps.baileysLogger, h.logger),
      health: h.health,
      tuning: this.opts.socket,
      resendable: (waMessageId) =>
        this.deps.db.asService((tx) => findResendableMessage(tx, { instanceId: h.id, waMessageId })),
      events: {
        qr: (qr) => void onQr(this, h, session, qr).catch(onError("qr")),
        opened: (account) =>
          void onOpen(this, h, session, account)
            .then(() => sampleHealth(this, h))
            .catch(onError("open")),
        closed: (info) => void onClose(this, h, session, info).catch(onError("close")),
        restriction: (info) => void onRestriction(this, h, info).catch(onError("restriction")),
        messageStatus: (update) => {
          this.portParts.emitReceipt({
            instanceId: h.id,
            orgId: h.orgId,
            messageId: update.waMessageId,
            kind: update.status,
            remoteJid: update.remoteJid,
            ...(update.errorCode ? { errorCode: update.errorCode } : {}),
            at: new Date(),
          });
          onMessageStatus(this, h, update);
        },
        inbound: (message) => this.portParts.emitInbound({ instanceId: h.id, orgId: h.orgId, ...message }),
        fatal: (err) => {
          if (err instanceof FencedError) this.drop(h, "fenced while saving credentials");
          else h.logger.error({ err }, "session failed");
        },
      },
    });
    h.session = session;
    session.start();
  }

  drop(h: Hosted, why: string): void {
    h.logger.warn({ why }, "dropping instance");
    this.halt(h);
    // Another host owns it: nothing pending may be written (it would be refused), and no timer may try.
    void h.auth?.revoke();
    h.auth = undefined;
    if (this.hosted.get(h.id) === h) this.hosted.delete(h.id);
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────────

  private track(inst: HostedInstance): Hosted {
    const h: Hosted = {
      id: inst.id,
      orgId: inst.orgId,
      epoch: inst.epoch,
      status: inst.status,
      expectedPhone: inst.phoneE164,
      health: new HealthTracker({
        ackTimeoutMs: this.opts.ackTimeoutMs,
        deliveryTimeoutMs: this.opts.deliveryTimeoutMs,
        undeliveredRecipientsThreshold: this.opts.undeliveredRecipientsThreshold,
        windowMs: this.opts.healthWindowMs,
      }),
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

  private async storedStatus(instanceId: string): Promise<TInstanceStatus | undefined> {
    return (await this.deps.db.asService((tx) => findHostedInstance(tx, instanceId)))?.status;
  }

  /** Ends the socket and any pending retry, without touching the database. */
  private halt(h: Hosted): void {
    h.stopping = true;
    if (h.retryTimer) clearTimeout(h.retryTimer);
    h.retryTimer = undefined;
    h.session?.end();
    h.session = undefined;
  }
}

/** The host behind the port: see `SessionHost` in `types.ts` for what each member guarantees. */
export function createSessionHost(deps: SessionHostDeps): SessionHostHandle {
  const host = new SessionHost(deps);
  return {
    port: host.port,
    get size() {
      return host.size;
    },
    snapshot: () => host.snapshot(),
    command: (command) => handleCommand(host, command, deps.logger),
    reconcile: () => host.reconcile(),
    restored: () => host.restored(),
    startHealthLoop: () => host.startHealthLoop(),
    sampleHealthNow: () => host.sampleHealthNow(),
    close: () => host.close(),
  };
}
