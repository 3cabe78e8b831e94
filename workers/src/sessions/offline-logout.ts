import type { TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import { findHostedInstance } from "@mirage/db/instances";
import { clearAuthState } from "@mirage/db/wa-auth";
import { AuthStateUnreadableError, loadPostgresAuthState } from "./auth-state.ts";
import { sessionBaileysLogger } from "./baileys-logger.ts";
import { HealthTracker } from "./health.ts";
import type { HostContext, Hosted } from "./hosted.ts";
import { Session } from "./session.ts";
import { prepareTarget } from "./wa-socket.ts";

/** The command's answer: whether the phone still lists the device is part of it. */
export function logoutResult(phoneUnlinked: boolean, outcome: string): TWorkerCommandResult {
  return { ok: true, outcome, status: "logged_out", phoneUnlinked };
}

/**
 * Logs out an instance assigned to this worker that has no socket here (stopped, failed, between hosts): a
 * short-lived login with its stored credentials unlinks the companion device from the phone, then the credentials
 * are wiped and the status becomes `logged_out` with its history row, event and webhook — as for a running one.
 * When the login cannot happen (credentials unreadable, WhatsApp unreachable), the answer says the phone may still
 * list the device (`phoneUnlinked: false`). Credentials never scanned have nothing to unlink (`phoneUnlinked: true`).
 */
export async function logoutOffline(
  ctx: HostContext,
  instanceId: string,
  reason: string,
): Promise<TWorkerCommandResult> {
  const inst = await ctx.deps.db.asService((tx) => findHostedInstance(tx, instanceId));
  if (!inst) return { ok: false, outcome: "not_found" };
  if (inst.workerId !== ctx.deps.workerId) return { ok: false, outcome: "not_assigned", status: inst.status };
  const h: Hosted = {
    id: inst.id,
    orgId: inst.orgId,
    epoch: inst.epoch,
    status: inst.status,
    expectedPhone: inst.phoneE164,
    health: new HealthTracker(),
    attempt: 0,
    qrCount: 0,
    pairing: false,
    stopping: true,
    logger: ctx.log.child({ instanceId: inst.id, module: "offline-logout" }),
  };
  let unlinked = false;
  let alreadyUnlinked = false;
  // Never linked (no credentials, or a QR never scanned): the phone has nothing to remove.
  let linked = false;
  if (inst.hasCreds) {
    try {
      h.auth = await loadPostgresAuthState({
        db: ctx.deps.db,
        ring: ctx.deps.ring,
        fence: { instanceId: h.id, epoch: h.epoch },
      });
      linked = h.auth.isRegistered();
      if (linked) ({ unlinked, alreadyUnlinked } = await loginAndUnlink(ctx, h));
    } catch (err) {
      if (!(err instanceof AuthStateUnreadableError)) throw err;
      linked = true;
      h.logger.warn({ err }, "credentials unreadable: cannot unlink the device from the phone");
    }
  }
  await h.auth?.revoke();
  await ctx.deps.db.asService((tx) => clearAuthState(tx, h.id));
  await ctx.deps.qrStore.delete(h.id);
  const phoneUnlinked = !linked || unlinked || alreadyUnlinked;
  await ctx.writeStatus(h, "logged_out", reason, { detail: { phoneUnlinked, offline: true } });
  return logoutResult(phoneUnlinked, "logged_out");
}

/** Opens a socket with the stored credentials, waits for the login, and logs out. Never reconnects. */
async function loginAndUnlink(ctx: HostContext, h: Hosted): Promise<{ unlinked: boolean; alreadyUnlinked: boolean }> {
  const auth = h.auth;
  if (!auth) return { unlinked: false, alreadyUnlinked: false };
  await prepareTarget(ctx.deps.target);
  let settle: (outcome: "open" | number | undefined) => void = () => {};
  const loggedIn = new Promise<"open" | number | undefined>((resolve) => {
    settle = resolve;
  });
  const session = new Session({
    instanceId: h.id,
    auth,
    target: ctx.deps.target,
    logger: sessionBaileysLogger(ctx.deps.baileysLogger, h.logger),
    health: h.health,
    tuning: ctx.opts.socket,
    events: {
      qr: () => settle(401),
      opened: () => settle("open"),
      closed: (info) => settle(info.statusCode),
      restriction: () => {},
      messageStatus: () => {},
      inbound: () => {},
      fatal: () => settle(undefined),
    },
  });
  const timer = setTimeout(() => settle(undefined), ctx.opts.offlineLogoutTimeoutMs);
  session.start();
  try {
    const outcome = await loggedIn;
    if (outcome === "open") return { unlinked: await session.logout(), alreadyUnlinked: false };
    // 401: WhatsApp no longer knows this device (removed on the phone already): nothing left to unlink.
    return { unlinked: false, alreadyUnlinked: outcome === 401 };
  } finally {
    clearTimeout(timer);
    session.end();
    await session.flushCreds();
  }
}
