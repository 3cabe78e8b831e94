import { removeFromSenderPools } from "@mirage/db/instances";
import { enqueueWebhookEvent } from "@mirage/db/webhooks";
import { whatsAppCandidates } from "@mirage/phone";
import type { HostContext, Hosted } from "./hosted.ts";
import { renderQr } from "./qr.ts";
import { decideReconnect } from "./reconnect-policy.ts";
import type { Account, MessageStatusUpdate, Session } from "./session.ts";

/**
 * How a hosted instance reacts to what its socket reports: QR codes, login, close (through the reconnect policy),
 * restrictions and receipts. Each handler ignores events from a socket that is no longer the instance's current one.
 */

/** The status reason a connected instance carries: a linked number other than the one asked for stays visible. */
export const connectedReason = (h: Hosted): string | null => (h.phoneMismatch ? "linked_phone_mismatch" : null);

export async function onQr(ctx: HostContext, h: Hosted, session: Session, qr: string): Promise<void> {
  if (h.session !== session || ctx.closed) return;
  h.qrCount++;
  h.qrWindowStartedAt ??= Date.now();
  // A pairing code being typed keeps the socket alive past the QR limit: the codes' window is the code's lifetime.
  const codeValid = h.pairingCode !== undefined && h.pairingCode.expiresAt > Date.now();
  if (h.qrCount > ctx.opts.maxQrAttempts && !codeValid) {
    h.stopping = true;
    session.end();
    h.session = undefined;
    await ctx.wipeCreds(h);
    await ctx.writeStatus(h, "pairing_expired", "qr_attempts_exhausted");
    ctx.hosted.delete(h.id);
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
  await ctx.deps.qrStore.set(data, ttlMs);
  await ctx.deps.events.publish({ orgId: h.orgId, event: "instance:qr", data });
  // Status changes reach webhooks through the instances trigger; a QR has no row, so it is enqueued here.
  await ctx.deps.db.asService((tx) =>
    enqueueWebhookEvent(tx, {
      orgId: h.orgId,
      type: "instance:qr",
      payload: { instanceId: h.id, qr, dataUrl: rendered.dataUrl, attempt: h.qrCount, expiresAt: data.expiresAt },
    }),
  );
}

/**
 * Compares the number that linked with the one the instance was created for. Brazil's two forms of one mobile
 * (with and without the ninth digit) are the same line: the linked form is recorded, nothing is flagged.
 */
export function comparePhones(
  expected: string | null,
  linked: string | null,
): { mismatch: boolean; replaceExpected: boolean } {
  if (!expected || !linked || expected === linked) return { mismatch: false, replaceExpected: !expected && !!linked };
  if (whatsAppCandidates(expected).includes(linked)) return { mismatch: false, replaceExpected: true };
  return { mismatch: true, replaceExpected: false };
}

export async function onOpen(ctx: HostContext, h: Hosted, session: Session, account: Account): Promise<void> {
  if (h.session !== session || ctx.closed) return;
  h.attempt = 0;
  h.pairing = false;
  h.pairingCode = undefined;
  h.qrWindowStartedAt = undefined;
  await ctx.deps.qrStore.delete(h.id);
  const phones = comparePhones(h.expectedPhone, account.phoneE164);
  h.phoneMismatch = phones.mismatch;
  if (phones.replaceExpected && account.phoneE164) h.expectedPhone = account.phoneE164;
  const restricted = h.health.restrictedUntil !== null && h.health.restrictedUntil > Date.now();
  await ctx.writeStatus(
    h,
    restricted ? "restricted" : "connected",
    restricted ? "reach_out_timelock" : connectedReason(h),
    {
      account: {
        jid: account.jid,
        ...(account.lid ? { lid: account.lid } : {}),
        ...(account.phoneE164 ? { phoneE164: account.phoneE164, replacesRequested: phones.replaceExpected } : {}),
      },
      ...(phones.mismatch ? { detail: { requestedPhone: h.expectedPhone, linkedPhone: account.phoneE164 } } : {}),
      ...(restricted && h.health.restrictedUntil ? { restrictedUntil: new Date(h.health.restrictedUntil) } : {}),
      alert: phones.mismatch,
    },
  );
}

export async function onClose(
  ctx: HostContext,
  h: Hosted,
  session: Session,
  info: { statusCode: number | undefined; message: string },
): Promise<void> {
  if (h.session !== session) return;
  h.session = undefined;
  if (h.stopping || ctx.closed) return;
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
    ctx.opts.reconnect,
  );
  if (info.statusCode === 440) h.lastReplacedAt = now;
  h.logger.info({ statusCode: info.statusCode, decision }, "socket closed");
  switch (decision.action) {
    case "reconnect":
      await ctx.open(h);
      return;
    case "backoff": {
      h.attempt++;
      await ctx.writeStatus(h, "connecting", `reconnecting_after_${info.statusCode ?? "unknown"}`, {
        detail: { attempt: h.attempt, delayMs: decision.delayMs },
      });
      if (!ctx.hosted.has(h.id) || h.stopping) return;
      h.retryTimer = setTimeout(() => {
        h.retryTimer = undefined;
        ctx.open(h).catch((err: unknown) => h.logger.error({ err }, "reconnect failed"));
      }, decision.delayMs);
      h.retryTimer.unref();
      return;
    }
    case "stop": {
      h.stopping = true;
      if (decision.wipeCreds) await ctx.wipeCreds(h);
      else await ctx.releaseKeys(h);
      if (decision.status === "banned") {
        // A banned number must leave every sender pool before the next round picks it.
        const removed = await ctx.deps.db.asService((tx) => removeFromSenderPools(tx, h.id));
        h.logger.warn({ removedFromPools: removed }, "instance banned");
      }
      await ctx.writeStatus(h, decision.status, decision.reason, {
        alert: decision.alert,
        detail: { code: info.statusCode },
      });
      ctx.hosted.delete(h.id);
    }
  }
}

export async function onRestriction(
  ctx: HostContext,
  h: Hosted,
  info: { active: boolean; until: Date | null },
): Promise<void> {
  if (info.active) {
    await ctx.writeStatus(h, "restricted", "reach_out_timelock", {
      restrictedUntil: info.until,
      detail: { until: info.until?.toISOString() ?? null },
    });
  } else if (h.status === "restricted" && h.session) {
    await ctx.writeStatus(h, "connected", connectedReason(h));
  }
}

/** A 463 without a timelock notification is the new-chat cap: existing chats still work, new ones must wait. */
export function onMessageStatus(ctx: HostContext, h: Hosted, update: MessageStatusUpdate): void {
  if (update.status === "error" && update.errorCode === "463" && h.health.restrictedUntil === null) {
    const until = new Date(Date.now() + ctx.opts.newChatCapCooldownMs);
    h.health.restrictedUntil = until.getTime();
    void ctx
      .writeStatus(h, "restricted", "new_chat_cap", { restrictedUntil: until })
      .catch((err: unknown) => h.logger.error({ err }, "restriction write failed"));
  }
}
