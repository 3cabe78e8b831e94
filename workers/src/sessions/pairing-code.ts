import type { TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import type { HostContext } from "./hosted.ts";

/**
 * WhatsApp's "link with phone number". A code belongs to the socket that asked for it, and asking again on that
 * socket voids the first code, so a repeat request within the code's lifetime returns the same code. A code must
 * outlive the socket's QR window (WhatsApp closes an unpaired socket when its QR refs run out): when the window
 * left is shorter than the code's lifetime, a fresh socket is opened first. While the code is valid, the QR limit
 * does not end the socket (`socket-events.ts`).
 */
export async function requestPairingCode(
  ctx: HostContext,
  instanceId: string,
  phoneDigits: string,
  actions: {
    start(id: string): Promise<TWorkerCommandResult>;
    restart(id: string): Promise<TWorkerCommandResult>;
  },
): Promise<TWorkerCommandResult> {
  let h = ctx.hosted.get(instanceId);
  if (!h?.session) {
    const started = await actions.start(instanceId);
    if (!started.ok) return started;
    h = ctx.hosted.get(instanceId);
  }
  if (!h?.session) return { ok: false, outcome: "not_running", ...(h ? { status: h.status } : {}) };
  if (!h.pairing) return { ok: false, outcome: "already_paired", status: h.status };
  const now = Date.now();
  const current = h.pairingCode;
  if (current && current.phoneDigits === phoneDigits && current.expiresAt > now) {
    return answer(current.code, current.expiresAt, h.status, "pairing_code_unchanged");
  }
  const windowLeft = (h.qrWindowStartedAt ?? now) + ctx.opts.qrWindowMs - now;
  if (windowLeft < ctx.opts.pairingCodeTtlMs) {
    h.logger.info({ windowLeftMs: windowLeft }, "opening a fresh socket for the pairing code");
    await actions.restart(instanceId);
    h = ctx.hosted.get(instanceId);
    if (!h?.session) return { ok: false, outcome: "not_running", ...(h ? { status: h.status } : {}) };
  }
  const session = h.session;
  const code = await session.requestPairingCode(phoneDigits);
  // The window is measured from the socket's first QR, which requestPairingCode waited for.
  const expiresAt = Math.min(
    Date.now() + ctx.opts.pairingCodeTtlMs,
    (h.qrWindowStartedAt ?? now) + ctx.opts.qrWindowMs,
  );
  if (h.session === session) h.pairingCode = { code, phoneDigits, expiresAt };
  return answer(code, expiresAt, h.status, "pairing_code");
}

function answer(code: string, expiresAt: number, status: TWorkerCommandResult["status"], outcome: string) {
  return {
    ok: true,
    outcome,
    pairingCode: code,
    pairingCodeExpiresAt: new Date(expiresAt).toISOString(),
    ...(status ? { status } : {}),
  } satisfies TWorkerCommandResult;
}
