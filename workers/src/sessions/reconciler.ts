import { listAssignedInstances } from "@mirage/db/instances";
import { type HostContext, TERMINAL } from "./hosted.ts";

/**
 * Brings the hosted set in line with Postgres: starts what is assigned here and should run (staggered at
 * `restoreRatePerSecond`, so a restart does not storm WhatsApp with logins), stops what should not, and drops what
 * was reassigned (fenced). Safe to run any time, repeatedly.
 */
export class Reconciler {
  private queue: string[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly ctx: HostContext,
    private readonly actions: { start(id: string): Promise<unknown>; stop(id: string): Promise<unknown> },
  ) {}

  async reconcile(): Promise<{ toStart: number; dropped: number }> {
    const { ctx } = this;
    const assigned = await ctx.deps.db.asService((tx) => listAssignedInstances(tx, ctx.deps.workerId));
    const byId = new Map(assigned.map((i) => [i.id, i]));
    let dropped = 0;
    for (const h of [...ctx.hosted.values()]) {
      const inst = byId.get(h.id);
      if (!inst || inst.epoch !== h.epoch) {
        ctx.drop(h, "reassigned to another worker");
        dropped++;
      } else if (inst.desiredState === "stopped") {
        await this.actions.stop(h.id);
      } else if (inst.status !== h.status && !h.stopping && (h.session || h.retryTimer)) {
        // The row was rewritten while this host still holds the instance (the orchestrator marks a worker's
        // instances `worker_lost` when its heartbeat lapses, e.g. on a starved machine): say again what is true.
        await ctx.writeStatus(h, h.status, h.statusReason ?? null, { detail: { reasserted: true } });
      }
    }
    const queued = new Set(this.queue);
    const toStart = assigned.filter(
      (i) => i.desiredState === "running" && !TERMINAL.includes(i.status) && !ctx.hosted.has(i.id) && !queued.has(i.id),
    );
    this.queue.push(...toStart.map((i) => i.id));
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return { toStart: toStart.length, dropped };
  }

  /** Resolves when every instance queued so far has had its socket opened. */
  async restored(): Promise<void> {
    while (this.draining) await this.draining;
  }

  clear(): void {
    this.queue = [];
  }

  private async drain(): Promise<void> {
    const gapMs = 1000 / Math.max(1, this.ctx.opts.restoreRatePerSecond);
    while (this.queue.length > 0 && !this.ctx.closed) {
      const id = this.queue.shift();
      if (!id) continue;
      const t = Date.now();
      await this.actions
        .start(id)
        .catch((err: unknown) => this.ctx.log.error({ err, instanceId: id }, "restore failed"));
      const wait = gapMs - (Date.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
}
