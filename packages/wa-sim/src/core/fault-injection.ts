import { type BinaryNode, node, unixNow, WA_SERVER } from "../protocol/nodes.ts";
import type { Account } from "./accounts.ts";
import type { SimContext } from "./context.ts";
import { type Fault, FaultSchema, noFaults } from "./faults.ts";

/**
 * Applies one fault to an account: disconnect faults act on its live companions at once, the others change how
 * the server treats the account from now on.
 */
export function applyFault(ctx: SimContext, account: Account, input: Fault): void {
  const fault = FaultSchema.parse(input);
  const live = [...account.companions.values()].flatMap((c) => (c.connection?.isOpen ? [c.connection] : []));
  ctx.logger.info({ phone: account.phone, fault: fault.type }, "fault injected");
  ctx.changed();
  switch (fault.type) {
    case "logged-out":
      for (const companion of account.companions.values()) companion.removed = true;
      for (const c of live)
        c.end(node("stream:error", { code: "401" }, [node("conflict", { type: "device_removed" })]));
      return;
    case "banned":
      account.banned = true;
      for (const c of live) c.end(node("failure", { reason: "403", location: "sim" }));
      return;
    case "restart-required":
      for (const c of live) c.end(node("stream:error", { code: "515" }));
      return;
    case "replaced":
      for (const c of live) c.end(node("stream:error", {}, [node("conflict", { type: "replaced" })]));
      return;
    case "dropped":
      for (const c of live) c.end();
      return;
    case "reachout-timelock":
      account.faults.timelock = { until: fault.until, enforcementType: fault.enforcementType };
      for (const c of live) c.send(timelockNotification(true, fault.until, fault.enforcementType));
      return;
    case "new-chat-cap":
      account.faults.newChatCap = { quota: fault.quota, used: 0 };
      return;
    case "slow-acks":
      account.faults.ack = { mode: "slow", ms: fault.ms };
      return;
    case "missing-acks":
      account.faults.ack = { mode: "missing" };
      return;
    case "latency":
      account.faults.latency = { ms: fault.ms, jitterMs: fault.jitterMs };
      return;
    case "replay-inbound":
      account.replayOnLogin = fault.last;
      return;
    case "clear": {
      const wasLocked = account.faults.timelock !== undefined;
      account.faults = noFaults();
      account.banned = false;
      if (wasLocked) for (const c of live) c.send(timelockNotification(false, 0, "DEFAULT"));
      return;
    }
  }
}

function timelockNotification(active: boolean, until: number, enforcementType: string): BinaryNode {
  const payload = {
    data: {
      xwa2_notify_account_reachout_timelock: {
        is_active: active,
        time_enforcement_ends: active ? String(Math.floor(until / 1000)) : "0",
        enforcement_type: enforcementType,
      },
    },
  };
  return node("notification", { from: WA_SERVER, type: "mex", id: `tl${until}`, t: unixNow() }, [
    node("update", { op_name: "NotificationUserReachoutTimelockUpdate" }, Buffer.from(JSON.stringify(payload))),
  ]);
}
