import type { TInstanceStatus } from "@mirage/contracts/enums";
import { writeHostedStatus } from "@mirage/db/instances";
import { clearAuthState } from "@mirage/db/wa-auth";
import type { HostContext, Hosted, StatusExtra } from "./hosted.ts";

/**
 * The one place a hosted instance's status is written: fenced by (worker, epoch), with its history row in the same
 * statement (the instances trigger turns it into a webhook), then published as `instance:status`. A write that
 * changes nothing publishes nothing, so one transition is one event.
 */
export async function writeStatus(
  ctx: Pick<HostContext, "deps" | "closed" | "drop">,
  h: Hosted,
  to: TInstanceStatus,
  reason: string | null,
  extra: StatusExtra = {},
): Promise<void> {
  // After close() began, late socket events must not write: the process is handing the instance over.
  if (ctx.closed) return;
  const result = await ctx.deps.db.asService((tx) =>
    writeHostedStatus(tx, {
      instanceId: h.id,
      workerId: ctx.deps.workerId,
      epoch: h.epoch,
      to,
      reason,
      ...(extra.detail ? { detail: extra.detail } : {}),
      ...(extra.account ? { account: extra.account } : {}),
      ...(extra.restrictedUntil !== undefined ? { restrictedUntil: extra.restrictedUntil } : {}),
    }),
  );
  if (result.result === "fenced") {
    ctx.drop(h, "fenced on status write");
    return;
  }
  const previous = h.status;
  h.status = to;
  h.statusReason = reason;
  if (result.result !== "ok") return;
  h.logger.info({ from: result.from, to, reason }, "instance status");
  await ctx.deps.events.publish({
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

/** The credentials are dead: stop every write through them, then delete them (and any QR still on show). */
export async function wipeCreds(ctx: Pick<HostContext, "deps">, h: Hosted): Promise<void> {
  await h.auth?.revoke();
  h.auth = undefined;
  await ctx.deps.db.asService((tx) => clearAuthState(tx, h.id));
  await ctx.deps.qrStore.delete(h.id);
}
