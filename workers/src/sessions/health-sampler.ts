import { writeHealthSample } from "@mirage/db/instances";
import { enqueueWebhookEvent } from "@mirage/db/webhooks";
import { NOT_DELIVERING_REASONS, scoreHealth } from "./health.ts";
import { type HostContext, type Hosted, ONLINE } from "./hosted.ts";

/**
 * One health pass over the hosted instances with a logged-in socket: the score and its reasons are written to
 * `instance_health` (fenced), published as `instance:health`, and sent to webhooks when they change. Status follows
 * health: an instance that stops delivering becomes `degraded` (the reason names the missing signal), and comes
 * back to `connected` when the cause is gone; an expired restriction lifts.
 */
export async function sampleHealth(ctx: HostContext, only?: Hosted): Promise<void> {
  const now = Date.now();
  for (const h of only ? [only] : [...ctx.hosted.values()]) {
    if (!h.session || h.stopping || !h.health.connected || !ONLINE.includes(h.status)) continue;
    const metrics = h.health.metrics(now);
    const { score, reasons } = scoreHealth(metrics, now);
    const notDelivering = NOT_DELIVERING_REASONS.find((r) => reasons.includes(r));
    if (h.status === "restricted" && (metrics.restrictedUntil === null || metrics.restrictedUntil <= now)) {
      h.health.restrictedUntil = null;
      await ctx.writeStatus(h, "connected", null);
    } else if (h.status === "connected" && notDelivering) {
      await ctx.writeStatus(h, "degraded", notDelivering, {
        detail: { unacked: metrics.unackedOverdue, undeliveredRecipients: metrics.undeliveredRecipients },
      });
    } else if (h.status === "degraded" && !notDelivering) {
      await ctx.writeStatus(h, "connected", null);
    } else if (h.status === "degraded" && notDelivering) {
      await ctx.writeStatus(h, "degraded", notDelivering);
    }
    if (h.session === undefined || ctx.hosted.get(h.id) !== h) continue;
    const ok = await ctx.deps.db.asService((tx) =>
      writeHealthSample(tx, {
        instanceId: h.id,
        workerId: ctx.deps.workerId,
        epoch: h.epoch,
        score,
        reasons,
        metrics: metrics as unknown as Record<string, unknown>,
        lastInboundAt: metrics.lastInboundAt ? new Date(metrics.lastInboundAt) : null,
        lastOutboundAt: metrics.lastOutboundAt ? new Date(metrics.lastOutboundAt) : null,
      }),
    );
    if (!ok) {
      ctx.drop(h, "fenced during health sampling");
      continue;
    }
    const healthKey = `${Math.round(score / 10)}:${reasons.join(",")}`;
    if (healthKey !== h.lastHealthKey) {
      h.lastHealthKey = healthKey;
      await ctx.deps.db.asService((tx) =>
        enqueueWebhookEvent(tx, {
          orgId: h.orgId,
          type: "instance:health",
          payload: { instanceId: h.id, score, reasons },
        }),
      );
    }
    await ctx.deps.events.publish({
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
